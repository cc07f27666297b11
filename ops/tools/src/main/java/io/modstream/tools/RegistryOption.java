package io.modstream.tools;

import io.modstream.schemas.SchemaRegistry;
import java.io.IOException;
import picocli.CommandLine.Option;

/** The {@code --registry} option of the tools that read or write the registry's wire format. */
public final class RegistryOption {

  @Option(
      names = "--registry",
      paramLabel = "URL",
      description =
          "Schema registry for records in its wire format. Default: the local stack's registry"
              + " (registry.url in stack.properties), if any.")
  String url;

  /**
   * Returns the registry given by {@code --registry}, else the running local stack's.
   *
   * @return the registry, or null when there is none
   * @throws IOException if the local stack's file exists but cannot be read
   */
  SchemaRegistry orNull() throws IOException {
    String chosen = url != null ? url : BrokerOptions.stackSetting("registry.url");
    return chosen == null ? null : SchemaRegistry.at(chosen);
  }
}

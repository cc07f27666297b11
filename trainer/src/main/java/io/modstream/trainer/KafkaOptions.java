package io.modstream.trainer;

import io.modstream.schemas.ClientSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Kafka options of every trainer command that uses the cluster: where it is, and the client
 * settings a secured cluster needs, passed to each producer, consumer and admin client the command
 * makes.
 */
final class KafkaOptions {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap = "127.0.0.1:9092";

  @Option(
      names = ClientSettings.OPTION,
      paramLabel = "FILE",
      defaultValue = "${env:" + ClientSettings.ENV + "}",
      description =
          "Kafka client settings for a secured cluster (security.protocol, sasl.*, ssl.*), a"
              + " properties file as Kafka's own tools take; every key reaches every client."
              + " Default: $"
              + ClientSettings.ENV
              + ".")
  Path clientConfig;

  /**
   * The connection settings of this command's clients.
   *
   * @return {@code bootstrap.servers} and the client config file's settings
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it does not exist
   */
  Map<String, Object> connection() throws IOException {
    boolean given = clientConfig != null && !clientConfig.toString().isBlank();
    return ClientSettings.connection(bootstrap, given ? clientConfig : null);
  }
}

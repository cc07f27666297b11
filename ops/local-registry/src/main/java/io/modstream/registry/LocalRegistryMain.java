package io.modstream.registry;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs a {@link LocalRegistry} with the project's schemas registered until killed: {@code
 * LocalRegistryMain DIR [PORT]}. Prints {@code REGISTRY_URL=http://127.0.0.1:PORT} on standard
 * output once the schemas are registered, so scripts can wait for that line.
 */
public final class LocalRegistryMain {

  private LocalRegistryMain() {}

  /**
   * Starts the registry and registers the schemas.
   *
   * @param args the registry's directory (for its log), then optionally the port (default 8081)
   * @throws Exception if the registry cannot start or refuses a schema
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println(
          "usage: LocalRegistryMain DIR [PORT]   (PORT defaults to 8081; 0 picks a free one)");
      System.exit(2);
    }
    int port = args.length == 2 ? Integer.parseInt(args[1]) : 8081;
    String heap = System.getProperty("modstream.registry.heap", LocalRegistry.DEFAULT_HEAP);
    LocalRegistry registry;
    try {
      registry = LocalRegistry.start(Path.of(args[0]), port, heap);
    } catch (IOException e) {
      System.err.println("local-registry: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "local-registry-shutdown"));
    try {
      new SchemaRegistration(registry.ccompatUrl()).registerProject();
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "local-registry: registering the project's schemas failed: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("REGISTRY_URL=" + registry.url());
    System.out.flush();
    while (registry.isRunning()) {
      Thread.sleep(500);
    }
    System.err.println("the registry process exited; see " + registry.log());
    System.exit(1);
  }
}

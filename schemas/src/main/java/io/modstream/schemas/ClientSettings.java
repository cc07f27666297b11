package io.modstream.schemas;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The connection settings of the command-line clients (the trainer's commands and the tools): the
 * bootstrap servers plus a client config file, as Kafka's own tools take with {@code
 * --command-config}. The file holds what a secured cluster needs ({@code security.protocol}, {@code
 * sasl.*}, {@code ssl.*}); every key is passed to each producer, consumer and admin client as it
 * is, so a setting this project does not know of still reaches Kafka.
 */
public final class ClientSettings {

  /** The option that names the file, for messages. */
  public static final String OPTION = "--client-config";

  /** The environment variable that names the file when the option is not given. */
  public static final String ENV = "MODSTREAM_CLIENT_CONFIG";

  private ClientSettings() {}

  /**
   * Reads a client config file.
   *
   * @param file a properties file of Kafka client settings
   * @return its settings, every key as written
   * @throws IllegalArgumentException if the file does not exist or is not a regular file
   * @throws IOException if it cannot be read
   */
  public static Map<String, Object> load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          OPTION
              + " "
              + file
              + ": no such file; give a properties file of Kafka client settings"
              + " (security.protocol, sasl.*, ssl.*), for example one ops/run-local --secure"
              + " writes in .local/clients/");
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    Map<String, Object> settings = new HashMap<>();
    p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
    return settings;
  }

  /**
   * Returns the connection settings of a client: the file's settings, if any, and the bootstrap
   * servers, which win over a {@code bootstrap.servers} in the file as an explicit option should.
   *
   * @param bootstrapServers the cluster
   * @param clientConfig a client config file, or null for a cluster that needs nothing else
   * @return the settings, for {@link ModelReleases#consumerConfig(Map)} and the like
   * @throws IllegalArgumentException if the file does not exist
   * @throws IOException if it cannot be read
   */
  public static Map<String, Object> connection(String bootstrapServers, Path clientConfig)
      throws IOException {
    Map<String, Object> c = clientConfig == null ? new HashMap<>() : load(clientConfig);
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Map.copyOf(c);
  }
}

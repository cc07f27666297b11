package io.modstream.streams;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The connection settings of the clients the app makes besides Kafka Streams' own (topic setup, the
 * broker count, the release follower, bundle fetches): the bootstrap servers and the {@code
 * kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*} keys without their prefix,
 * so that on a secured cluster every client connects as the app's one principal.
 */
public final class ClientConnection {

  private ClientConnection() {}

  /**
   * Returns the connection settings of a configuration.
   *
   * @param config the app's configuration
   * @return {@code bootstrap.servers} and the security settings, for any Kafka client
   */
  public static Map<String, Object> of(ScorerConfig config) {
    Map<String, Object> c = new HashMap<>();
    c.put(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(ScorerConfig.BOOTSTRAP_SERVERS)));
    config
        .originals()
        .forEach(
            (k, v) -> {
              if (k.startsWith(ScorerConfig.KAFKA_PREFIX)) {
                String key = k.substring(ScorerConfig.KAFKA_PREFIX.length());
                if (key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
                    || key.startsWith("sasl.")
                    || key.startsWith("ssl.")) {
                  c.put(key, v);
                }
              }
            });
    return c;
  }
}

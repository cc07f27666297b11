package io.modstream.tools;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Producer settings shared by the command-line tools that publish (produce, feedback, bench). */
public final class ToolProducers {

  private ToolProducers() {}

  /**
   * Returns acks=all with one request in flight, plus {@code extra}. One request in flight: a burst
   * right after topic creation can otherwise leave an idempotent producer retrying
   * OUT_OF_ORDER_SEQUENCE_NUMBER forever on a single Kafka 4.3.1 broker.
   *
   * @param bootstrap the Kafka bootstrap servers
   * @param extra further producer settings (linger, compression, ...)
   * @return the settings
   */
  public static Map<String, Object> settings(String bootstrap, Map<String, Object> extra) {
    Map<String, Object> settings =
        new HashMap<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                1));
    settings.putAll(extra);
    return settings;
  }
}

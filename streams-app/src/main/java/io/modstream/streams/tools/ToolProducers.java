package io.modstream.streams.tools;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Producer settings shared by the command-line tools that publish (produce, feedback, bench). */
final class ToolProducers {

  private ToolProducers() {}

  /**
   * Returns acks=all with one request in flight, plus {@code extra}. One request in flight: see
   * {@code TopicSetup}; a burst right after topic creation can otherwise leave an idempotent
   * producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER forever (seen with Kafka 4.3.1 on a single
   * broker, in this project's CI).
   *
   * @param bootstrap the Kafka bootstrap servers
   * @param extra further producer settings (linger, compression, ...)
   * @return the settings
   */
  static Map<String, Object> settings(String bootstrap, Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1));
    settings.putAll(extra);
    return settings;
  }
}

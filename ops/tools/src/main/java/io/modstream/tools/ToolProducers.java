package io.modstream.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;

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
    return settings(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), extra);
  }

  /**
   * Returns the settings of {@link #settings(String, Map)} on a connection that may carry security
   * settings ({@code --client-config}).
   *
   * @param connection the connection settings, {@code bootstrap.servers} among them
   * @param extra further producer settings (linger, compression, ...)
   * @return the settings
   */
  public static Map<String, Object> settings(Map<String, ?> connection, Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(connection);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    settings.putAll(extra);
    return settings;
  }

  /**
   * Counts the records a producer's broker refused. A refused record (an ACL, a missing topic)
   * fails in its callback, not in {@code send()}, so a tool that only sends would report as
   * published what never arrived.
   */
  static final class Failures implements Callback {
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> first = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      if (e != null) {
        failed.incrementAndGet();
        first.compareAndSet(null, e);
      }
    }

    /**
     * Throws if any record failed; call after the producer was flushed or closed.
     *
     * @param sent how many records were sent
     * @param what what they are, for the message ("comments")
     * @param topic where they went
     * @throws IllegalStateException naming the count and the first failure
     */
    void check(long sent, String what, String topic) {
      if (failed.get() == 0) {
        return;
      }
      Exception e = first.get();
      throw new IllegalStateException(
          failed.get()
              + " of "
              + sent
              + " "
              + what
              + " were not published to "
              + topic
              + ": "
              + e.getMessage()
              + (e instanceof AuthorizationException
                  ? " (the principal of --client-config may not write that topic)"
                  : ""));
    }
  }
}

package io.modstream.chaos;

import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.DeadLetterHeaders;
import io.modstream.schemas.LabelEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the app wrote, read_committed, as a downstream consumer sees it: while the load runs,
 * when each comment's first label event became visible (for the recovery times); at the end, every
 * label event and dead letter from the start of the topics.
 */
final class Ledger implements Stoppable {

  private static final AvroCodec<LabelEvent> EVENTS = AvroCodec.of(LabelEvent.class);

  private final String bootstrap;
  private final String labels;
  private final Map<String, Long> firstSeenMs = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  Ledger(String bootstrap, String labels) {
    this.bootstrap = bootstrap;
    this.labels = labels;
    this.thread = new Thread(this::follow, "chaos-ledger");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void follow() {
    try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> parts = partitions(c, labels);
      c.assign(parts);
      c.seekToBeginning(parts);
      while (running) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          firstSeenMs.putIfAbsent(r.key(), System.currentTimeMillis());
        }
      }
    } catch (KafkaException e) {
      if (running) {
        System.err.println("chaos: the label reader stopped: " + e);
      }
    }
  }

  /** When each comment's first label event was read, epoch ms. */
  Map<String, Long> firstSeenMs() {
    return firstSeenMs;
  }

  /**
   * Everything in the labels and dead-letter topics, read from the start up to their last stable
   * offsets.
   *
   * @param dlq the dead-letter topic
   * @param timeout how long to keep reading a topic whose end is not reached
   * @return the label events per comment, the model versions and the dead letters' reasons
   */
  Tally tally(String dlq, Duration timeout) {
    Map<String, Integer> events = new HashMap<>();
    Map<String, Integer> versions = new TreeMap<>();
    readAll(
        labels,
        timeout,
        r -> {
          events.merge(r.key(), 1, Integer::sum);
          versions.merge(EVENTS.decode(r.value()).getModelVersion().toString(), 1, Integer::sum);
        });
    Map<String, String> reasons = new HashMap<>();
    Map<String, Integer> deadLetters = new HashMap<>();
    readAll(
        dlq,
        timeout,
        r -> {
          deadLetters.merge(r.key(), 1, Integer::sum);
          Header h = r.headers().lastHeader(DeadLetterHeaders.REASON);
          reasons.put(
              r.key(), h == null ? "(none)" : new String(h.value(), StandardCharsets.UTF_8));
        });
    return new Tally(events, versions, deadLetters, reasons);
  }

  private void readAll(
      String topic,
      Duration timeout,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
    try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> parts = partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    return c.partitionsFor(topic, Duration.ofSeconds(60)).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * What the topics held at the end.
   *
   * @param events label events per comment id
   * @param versions label events per model version
   * @param deadLetters dead letters per record key
   * @param reasons the reason header of each key's last dead letter
   */
  record Tally(
      Map<String, Integer> events,
      Map<String, Integer> versions,
      Map<String, Integer> deadLetters,
      Map<String, String> reasons) {}
}

package io.modstream.chaos;

import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Steady load of comments with unique ids at a fixed rate, on a thread of its own, remembering
 * which ones the brokers acknowledged and when each was sent; and floods of invalid records, each
 * with the dead-letter reason the app must give it.
 */
final class Load implements Stoppable {

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);

  private final String topic;
  private final String prefix;
  private final int rate;
  private final List<String> texts;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, Long> sentAtMs = new ConcurrentHashMap<>();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Map<String, String> invalidAcked = new ConcurrentHashMap<>();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;

  Load(String bootstrap, String topic, String prefix, int rate) {
    this.topic = topic;
    this.prefix = prefix;
    this.rate = rate;
    this.texts =
        TestData.sample(500).texts().stream()
            .filter(t -> !t.isBlank())
            .map(t -> t.substring(0, Math.min(t.length(), 1000)))
            .toList();
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                // One request in flight: a 4.3.1 broker can fail a first batch on a new topic
                // while accepting later ones, which the idempotent producer then never resolves.
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                1,
                // Longer than any outage the scenarios make, so a send fails only for a cause.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                180_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                180_000),
            new StringSerializer(),
            new ByteArraySerializer());
    this.thread = new Thread(this::run, "chaos-load");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long start = System.nanoTime();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    for (long i = 0; running; i++) {
      long due = start + i * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      String id = prefix + "-" + i;
      byte[] value = comment(id, texts.get((int) (i % texts.size())));
      sentAtMs.put(id, System.currentTimeMillis());
      producer.send(
          new ProducerRecord<>(topic, id, value),
          (meta, error) -> {
            if (error == null) {
              acked.add(id);
            } else {
              failed.incrementAndGet();
              firstFailure.compareAndSet(null, error.toString());
            }
          });
    }
  }

  /**
   * Sends invalid records as fast as the producer takes them, five kinds in turn, and remembers the
   * reason each acknowledged one must carry in the dead-letter topic.
   *
   * @param count how many
   */
  void poison(int count) {
    for (int i = 0; i < count; i++) {
      String id = prefix + "-bad-" + i;
      String reason;
      byte[] value;
      switch (i % 5) {
        case 0 -> {
          reason = "UNKNOWN_FORMAT";
          value = ("plain text, no format " + i).getBytes(StandardCharsets.UTF_8);
        }
        case 1 -> {
          reason = "INVALID_JSON";
          value = ("{\"comment_id\": \"" + id + "\", \"text\": ").getBytes(StandardCharsets.UTF_8);
        }
        case 2 -> {
          reason = "NULL_VALUE";
          value = null;
        }
        case 3 -> {
          reason = "EMPTY_TEXT";
          value = comment(id, "   ");
        }
        default -> {
          reason = "NO_REGISTRY";
          value = new byte[] {0, 0, 0, 0, 42, 2, 'x'};
        }
      }
      String expected = reason;
      producer.send(
          new ProducerRecord<>(topic, id, value),
          (meta, error) -> {
            if (error == null) {
              invalidAcked.put(id, expected);
            } else {
              failed.incrementAndGet();
              firstFailure.compareAndSet(null, error.toString());
            }
          });
    }
    producer.flush();
  }

  private static byte[] comment(String id, String text) {
    return CODEC.encode(
        Comment.newBuilder().setCommentId(id).setText(text).setCreatedAt(Instant.now()).build());
  }

  /** Stops sending and waits for the answers to what was sent. */
  void stop() throws InterruptedException {
    running = false;
    thread.join(10_000);
    producer.flush();
  }

  /** Valid comments the brokers acknowledged. */
  Set<String> acked() {
    return acked;
  }

  /** Acknowledged invalid records and the dead-letter reason each must get. */
  Map<String, String> invalidAcked() {
    return invalidAcked;
  }

  /** When each valid comment was handed to the producer, epoch ms. */
  Map<String, Long> sentAtMs() {
    return sentAtMs;
  }

  /** The first send the producer reported failed, and why; null if none. */
  String firstFailure() {
    return firstFailure.get();
  }

  /** Sends the producer reported failed (not acknowledged: nothing is owed for them). */
  int failed() {
    return failed.get();
  }

  @Override
  public void close() {
    running = false;
    producer.close(java.time.Duration.ofSeconds(10));
  }
}

package io.modstream.streams;

import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Producer, consumer and output-capturing helpers for the integration tests (also those of the
 * tools and the benchmark, through this module's test jar).
 */
public final class ItSupport {

  private ItSupport() {}

  /** What a body returned, and what it printed on the captured stream. */
  public record Printed<T>(T value, String text) {}

  /** Runs {@code body} with System.out captured. */
  public static <T> Printed<T> stdoutOf(Callable<T> body) throws Exception {
    return captured(false, body);
  }

  /**
   * Runs {@code body} with System.err captured (slf4j-simple, set to System.err, looks it up at
   * each line).
   */
  public static <T> Printed<T> stderrOf(Callable<T> body) throws Exception {
    return captured(true, body);
  }

  private static <T> Printed<T> captured(boolean err, Callable<T> body) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    PrintStream before = err ? System.err : System.out;
    if (err) {
      System.setErr(stream);
    } else {
      System.setOut(stream);
    }
    try {
      T value = body.call();
      return new Printed<>(value, bytes.toString(StandardCharsets.UTF_8));
    } finally {
      if (err) {
        System.setErr(before);
      } else {
        System.setOut(before);
      }
    }
  }

  /**
   * Scorer settings with every topic prefixed by {@code app}, so tests sharing one broker never see
   * each other's records.
   */
  public static Map<String, Object> scorerSettings(String bootstrap, String app, Path stateDir) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ScorerConfig.BOOTSTRAP_SERVERS, bootstrap);
    settings.put(ScorerConfig.APPLICATION_ID, app);
    settings.put(ScorerConfig.MODEL_NAME, "tiny");
    settings.put(ScorerConfig.RELEASES_TOPIC, app + "-releases");
    settings.put(ScorerConfig.TOPIC_COMMENTS, app + "-comments");
    settings.put(ScorerConfig.TOPIC_LABELS, app + "-labels");
    settings.put(ScorerConfig.TOPIC_FLAGGED_PREFIX, app + "-flagged-");
    settings.put(ScorerConfig.TOPIC_DLQ, app + "-dlq");
    settings.put(ScorerConfig.STATE_DIR, stateDir.toString());
    return settings;
  }

  /**
   * Writes the properties file the app's jar reads: the app's own topics (prefixed by {@code app}),
   * its model directory and state directory, then {@code extra} lines ("key=value").
   */
  static Path appConfigFile(
      Path file, String bootstrap, String app, Path modelDir, Path stateDir, String... extra)
      throws java.io.IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "bootstrap.servers=" + bootstrap,
                "application.id=" + app,
                "model.path=" + modelDir,
                "state.dir=" + stateDir,
                "topic.comments=" + app + "-comments",
                "topic.labels=" + app + "-labels",
                "topic.flagged.prefix=" + app + "-flagged-",
                "topic.dlq=" + app + "-dlq"));
    lines.addAll(List.of(extra));
    lines.add("");
    Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
    return file;
  }

  /** Writes {@code settings} as the properties file the app's jar reads. */
  static Path appConfigFile(Path file, Map<String, Object> settings) throws java.io.IOException {
    StringBuilder text = new StringBuilder();
    settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /**
   * Sends a comment every {@code pauseMs} (ids c-0, c-1, ..., keys spread over the partitions)
   * until {@code running} is false, then flushes: each send's time goes to {@code sentAtMs}, each
   * acknowledged id to {@code acked}.
   */
  static void produceSteadily(
      KafkaProducer<String, byte[]> producer,
      String topic,
      AtomicBoolean running,
      long pauseMs,
      Map<String, Long> sentAtMs,
      Set<String> acked) {
    List<String> texts = TestData.sample(500).texts();
    AvroCodec<Comment> codec = AvroCodec.of(Comment.class);
    try {
      for (int i = 0; running.get(); i++) {
        String id = "c-" + i;
        String text = texts.get(i % texts.size());
        byte[] value =
            codec.encode(
                Comment.newBuilder()
                    .setCommentId(id)
                    .setText(text.isBlank() ? "blank" : text)
                    .setCreatedAt(Instant.now())
                    .build());
        sentAtMs.put(id, System.currentTimeMillis());
        producer.send(
            new ProducerRecord<>(topic, id, value),
            (meta, error) -> {
              if (error == null) {
                acked.add(id);
              }
            });
        Thread.sleep(pauseMs);
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Creates a topic and writes records to it, spread over its partitions in turn.
   *
   * @param bootstrap the broker
   * @param prefix the topic name's prefix (a unique suffix is added)
   * @param partitions the topic's partitions
   * @param records how many one-byte records to write
   * @return the topic's name
   */
  public static String topicWithRecords(
      String bootstrap, String prefix, int partitions, int records) throws Exception {
    String topic = prefix + System.nanoTime();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, new byte[] {1})).get();
      }
    }
    return topic;
  }

  /**
   * An idempotent producer with one request in flight: on a topic created moments earlier the
   * single-node 4.3.1 broker can fail the first batch while accepting later ones, and the producer
   * then retries it forever with OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  public static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /**
   * Reads a topic from the start, read_committed, until {@code done} holds or the timeout passes.
   */
  public static List<ConsumerRecord<String, byte[]>> readUntil(
      String bootstrap,
      String topic,
      Duration timeout,
      Predicate<List<ConsumerRecord<String, byte[]>>> done) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !done.test(out)) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /**
   * Counts the label events per comment (read_committed) and when each comment's first was seen,
   * until {@code reading} turns false.
   *
   * @param bootstrap the cluster
   * @param topic the labels topic
   * @param reading read while true
   * @param counts events per comment id
   * @param firstSeenMs when each comment's first event was read, epoch ms
   */
  static void countLabelEvents(
      String bootstrap,
      String topic,
      AtomicBoolean reading,
      Map<String, Integer> counts,
      Map<String, Long> firstSeenMs) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(Set.of(topic));
      while (reading.get()) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          counts.merge(r.key(), 1, Integer::sum);
          firstSeenMs.putIfAbsent(r.key(), System.currentTimeMillis());
        }
      }
    }
  }

  /** Creates the releases and feedback topics that {@link #serveArgs} names; serve reads both. */
  static void createServeTopics(String bootstrap, String app)
      throws ExecutionException, InterruptedException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(app + "-releases", 1, (short) 1),
                  new NewTopic(app + "-feedback", 1, (short) 1)))
          .all()
          .get();
    }
  }

  /**
   * Arguments of a {@code trainer serve} that never retrains on its own (a huge --every, no timer)
   * and serves its endpoints on {@code httpPort}, for tests that look at the service, not its runs.
   */
  static String[] serveArgs(String bootstrap, String app, Path dir, int httpPort) {
    return new String[] {
      "serve",
      "--bootstrap",
      bootstrap,
      "--base-data",
      TestData.samplePath().toString(),
      "--store",
      dir.resolve("serve-store").toString(),
      "--model-name",
      "tiny",
      "--releases-topic",
      app + "-releases",
      "--feedback-topic",
      app + "-feedback",
      "--every",
      "1000000",
      "--every-minutes",
      "0",
      "--poll-seconds",
      "1",
      "--http-port",
      Integer.toString(httpPort)
    };
  }

  /**
   * Starts the streams app's jar ({@code target/streams-app.jar}) in its own JVM, as operators run
   * it, with one native thread.
   *
   * @param config the app's properties file
   * @param log where its output goes
   * @param heap the -Xmx option
   * @param env further environment variables (MODSTREAM_* settings)
   * @return the process
   * @throws java.io.IOException if it cannot start
   */
  static Process launchApp(Path config, Path log, String heap, Map<String, String> env)
      throws java.io.IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            heap,
            "-XX:+UseParallelGC",
            "-jar",
            Path.of("target", "streams-app.jar").toString(),
            "--config",
            config.toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    // No HTTP server unless a test asks for one: tests start several instances on this host.
    pb.environment().put("MODSTREAM_HTTP_PORT", "-1");
    pb.environment().putAll(env);
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}

package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.kafka.LocalKafkaCluster;
import io.modstream.model.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node cluster loses the broker that leads most of the app's output and internal partitions
 * (kill -9) while comments keep arriving: the app goes on scoring while that broker is still down,
 * and every acknowledged comment gets exactly one label event. And the failure that replication
 * prevents, a commit waiting on a partition without a leader, is reported as a stall.
 */
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerLossIT {

  /** How long after the kill scoring must have resumed, with the broker still down. */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

  /** How long comments keep arriving after the kill. */
  private static final Duration PRODUCE_AFTER_KILL = Duration.ofSeconds(25);

  @TempDir static Path clusterDir;

  /** One cluster for both tests: its start is most of their time on two cores. */
  private static LocalKafkaCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalKafkaCluster.start(clusterDir, 3, "384m");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @SuppressWarnings("try") // closing the service may be interrupted
  void scoringGoesOnWithoutTheBusiestBrokerAndNothingIsLostOrDuplicated(@TempDir Path dir)
      throws Exception {
    String bootstrap = cluster.bootstrapServers();
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String app = "broker-loss-it";
    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state"));
    settings.put(ScorerConfig.MODEL_PATH, modelDir.toString());
    settings.put(ScorerConfig.RELEASES_FOLLOW, "false");
    settings.put(ScorerConfig.BATCH_SIZE, "32");
    ScorerConfig cfg = new ScorerConfig(settings);
    List<String> labels = TestData.tinyModel().bundle().info().labels();
    TopicSetup.createMissing(cfg, TopicSetup.specs(cfg, labels), 6);
    String comments = cfg.getString(ScorerConfig.TOPIC_COMMENTS);
    String labelTopic = cfg.getString(ScorerConfig.TOPIC_LABELS);

    Map<String, Long> sentAtMs = new ConcurrentHashMap<>();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Map<String, Integer> eventCounts = new ConcurrentHashMap<>();
    Map<String, Long> labelledAtMs = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicBoolean reading = new AtomicBoolean(true);
    Thread reader =
        new Thread(
            () ->
                ItSupport.countLabelEvents(
                    bootstrap, labelTopic, reading, eventCounts, labelledAtMs));
    Thread producer =
        new Thread(() -> produce(bootstrap, comments, producing, sentAtMs, acked), "it-producer");
    int victim = 0;
    try (ScoringService service = new ScoringService(cfg)) {
      service.start();
      reader.start();
      producer.start();
      await(Duration.ofSeconds(60), () -> eventCounts.size() >= 200, "first 200 events");
      assertThat(service.isReady()).isTrue();
      String changelog = app + "-" + ScoringTopology.BUFFER_STORE + "-changelog";
      List<String> watched = new ArrayList<>(List.of(labelTopic, changelog));
      labels.forEach(l -> watched.add(cfg.getString(ScorerConfig.TOPIC_FLAGGED_PREFIX) + l));
      victim = checkReplicationAndPickVictim(bootstrap, changelog, watched);

      long killedAtMs = System.currentTimeMillis();
      cluster.kill(victim);
      Thread.sleep(PRODUCE_AFTER_KILL.toMillis());
      producing.set(false);
      producer.join(150_000);
      assertThat(producer.isAlive()).as("the producer finished its sends").isFalse();
      long lastSentMs = sentAtMs.values().stream().mapToLong(Long::longValue).max().orElse(0);

      // Every acknowledged comment labelled, with the broker still down.
      await(
          Duration.ofSeconds(90),
          () -> acked.stream().allMatch(eventCounts::containsKey),
          "an event for every acknowledged comment");
      Thread.sleep(3000); // duplicates, if any, would arrive now
      long resumedAtMs =
          sentAtMs.entrySet().stream()
              .filter(e -> e.getValue() > killedAtMs && labelledAtMs.containsKey(e.getKey()))
              .mapToLong(e -> labelledAtMs.get(e.getKey()))
              .min()
              .orElseThrow();
      long longestGapMs = longestGap(labelledAtMs, killedAtMs);
      System.out.printf(
          "broker %d killed; first event for a comment sent after the kill %d ms later; longest"
              + " pause between events %d ms; %d comments acknowledged, %d sent after the kill;"
              + " stalls reported %d%n",
          victim,
          resumedAtMs - killedAtMs,
          longestGapMs,
          acked.size(),
          sentAtMs.values().stream().filter(t -> t > killedAtMs).count(),
          (long) metric(service.stalls(), StallDetector.STALLS_TOTAL));

      assertThat(resumedAtMs - killedAtMs)
          .as("scoring resumed within %s of the kill", RECOVERY_BOUND)
          .isLessThan(RECOVERY_BOUND.toMillis());
      assertThat(lastSentMs).as("comments kept arriving after the kill").isGreaterThan(killedAtMs);
      Map<String, Integer> duplicated = new TreeMap<>();
      eventCounts.forEach(
          (k, n) -> {
            if (n != 1) {
              duplicated.put(k, n);
            }
          });
      assertThat(duplicated).as("comments with more than one event").isEmpty();
      assertThat(eventCounts.keySet()).containsAll(acked);
      assertThat(service.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(cluster.isRunning(victim)).as("the killed broker stayed down").isFalse();
    } finally {
      producing.set(false);
      reading.set(false);
      producer.join(30_000);
      reader.join(30_000);
      if (victim > 0) {
        cluster.restart(victim);
      }
    }
  }

  /**
   * The failure this replication prevents, reported: with one replica per partition, a killed
   * broker leaves partitions without a leader, a stream thread's commit waits on them, and the
   * stall detector says so, with the cause, within seconds of the threshold.
   */
  @Test
  @SuppressWarnings("try") // closing the service may be interrupted
  void aCommitStalledByALeaderlessPartitionIsReported(@TempDir Path dir) throws Exception {
    String bootstrap = cluster.bootstrapServers();
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String app = "stall-it";
    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state"));
    settings.put(ScorerConfig.MODEL_PATH, modelDir.toString());
    settings.put(ScorerConfig.RELEASES_FOLLOW, "false");
    settings.put(ScorerConfig.REPLICATION_FACTOR, "1");
    settings.put(ScorerConfig.STALL_THRESHOLD_MS, "3000");
    ScorerConfig cfg = new ScorerConfig(settings);
    List<String> labels = TestData.tinyModel().bundle().info().labels();
    TopicSetup.createMissing(cfg, TopicSetup.specs(cfg, labels), 6);
    String comments = cfg.getString(ScorerConfig.TOPIC_COMMENTS);
    String changelog = app + "-" + ScoringTopology.BUFFER_STORE + "-changelog";
    Map<String, Long> sentAtMs = new ConcurrentHashMap<>();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread producer =
        new Thread(() -> produce(bootstrap, comments, producing, sentAtMs, acked), "it-producer");
    int victim = 0;
    try (ScoringService service = new ScoringService(cfg)) {
      service.start();
      producer.start();
      await(Duration.ofSeconds(60), service::isReady, "ready app");
      await(Duration.ofSeconds(30), () -> acked.size() > 300, "acknowledged comments");
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicDescription d =
            admin.describeTopics(List.of(changelog)).allTopicNames().get().get(changelog);
        assertThat(d.partitions().get(0).replicas()).hasSize(1);
        victim = d.partitions().get(0).leader().id();
      }
      int killed = victim;
      String logged =
          ItSupport.stderrOf(
                  () -> {
                    cluster.kill(killed);
                    // the detector logs its warning before it counts the stall
                    await(Duration.ofSeconds(30), service.stalls()::isStalled, "stall reported");
                    return null;
                  })
              .text();
      String warning =
          logged
              .lines()
              .filter(l -> l.contains("no commit or processing progress"))
              .findFirst()
              .orElse("");
      System.out.println("stall warning: " + warning);
      assertThat(warning)
          .as(logged.substring(Math.max(0, logged.length() - 4000)))
          .contains("WARN")
          .contains("check broker health");
      assertThat(metric(service.stalls(), StallDetector.STALLED_THREADS)).isGreaterThanOrEqualTo(1);
      assertThat(metric(service.stalls(), StallDetector.STALLS_TOTAL)).isGreaterThanOrEqualTo(1);
      assertThat(service.isReady()).isFalse();

      producing.set(false);
      cluster.restart(victim);
      victim = 0;
      await(Duration.ofSeconds(120), service::isReady, "ready again after the broker returned");
      assertThat(metric(service.stalls(), StallDetector.STALLED_THREADS)).isZero();
    } finally {
      producing.set(false);
      producer.join(150_000);
      if (victim > 0) {
        cluster.restart(victim);
      }
    }
  }

  /**
   * Checks that Kafka Streams created its changelog as the app's own topics (three replicas, two in
   * sync), and returns the broker that leads most of the watched partitions.
   */
  private static int checkReplicationAndPickVictim(
      String bootstrap, String changelog, List<String> watched) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<String, TopicDescription> topics = admin.describeTopics(watched).allTopicNames().get();
      Map<Integer, Integer> leads = new HashMap<>();
      topics.forEach(
          (name, d) -> {
            for (TopicPartitionInfo p : d.partitions()) {
              assertThat(p.replicas()).as("replicas of %s-%d", name, p.partition()).hasSize(3);
              leads.merge(p.leader().id(), 1, Integer::sum);
            }
          });
      for (String topic : watched) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
        assertThat(c.get("min.insync.replicas").value()).as("min ISR of %s", topic).isEqualTo("2");
      }
      assertThat(topics).containsKey(changelog);
      return leads.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
  }

  /** Sends a comment every 10 ms until told to stop, then waits for every acknowledgement. */
  private static void produce(
      String bootstrap,
      String topic,
      AtomicBoolean producing,
      Map<String, Long> sentAtMs,
      Set<String> acked) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      ItSupport.produceSteadily(producer, topic, producing, 10, sentAtMs, acked);
    }
  }

  /** The longest pause between label events seen after {@code fromMs}. */
  private static long longestGap(Map<String, Long> labelledAtMs, long fromMs) {
    long[] times =
        labelledAtMs.values().stream()
            .mapToLong(Long::longValue)
            .filter(t -> t >= fromMs)
            .sorted()
            .toArray();
    long gap = times.length == 0 ? 0 : times[0] - fromMs;
    for (int i = 1; i < times.length; i++) {
      gap = Math.max(gap, times[i] - times[i - 1]);
    }
    return gap;
  }

  private static double metric(StallDetector d, String name) {
    return d.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .findFirst()
        .orElse(-1);
  }

  private static void await(
      Duration timeout, java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }
}

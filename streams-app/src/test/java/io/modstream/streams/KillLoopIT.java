package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the app (SIGKILL) several times under steady load, restarting it at once each time with the
 * same {@code instance.id} (static membership), and checks that every acknowledged comment got
 * exactly one label event. The app runs from the packaged jar, as users run it. The figure it
 * prints per kill is the recovery: from the kill until every comment sent in the second after it
 * has its event. {@code -Dkillloop.static=false} leaves static membership off, for comparison
 * (docs/lab/2026-12-04-chaos.md).
 */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KillLoopIT {

  private static final Path JAR = Path.of("target", "streams-app.jar");
  private static final int KILLS = 3;

  /**
   * Scoring must be back this soon after each kill. A restart takes 10-30 s on a quiet host; the
   * bound leaves room for a loaded CI machine, and fails an app that does not come back.
   */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(150);

  @Test
  void everyAcknowledgedCommentHasExactlyOneEventAcrossRepeatedKills(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    assertThat(JAR).as("built by 'mvn package' before the integration tests").exists();
    String bootstrap = broker.bootstrapServers();
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String app = "kill-loop-it-" + System.nanoTime();
    boolean staticMembership = !"false".equals(System.getProperty("killloop.static"));
    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state"));
    settings.put(ScorerConfig.MODEL_PATH, modelDir.toString());
    settings.put(ScorerConfig.RELEASES_FOLLOW, "false");
    settings.put(ScorerConfig.BATCH_SIZE, "32");
    if (staticMembership) {
      settings.put(ScorerConfig.INSTANCE_ID, "kill-loop-a");
    }
    ScorerConfig cfg = new ScorerConfig(settings);
    TopicSetup.createMissing(
        cfg, TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()), 6);
    Path config = dir.resolve("app.properties");
    ItSupport.appConfigFile(config, settings);

    Map<String, Long> sentAtMs = new ConcurrentHashMap<>();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    Map<String, Long> labelledAtMs = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicBoolean reading = new AtomicBoolean(true);
    String comments = cfg.getString(ScorerConfig.TOPIC_COMMENTS);
    String labels = cfg.getString(ScorerConfig.TOPIC_LABELS);
    Thread producer =
        new Thread(
            () -> {
              try (KafkaProducer<String, byte[]> p = ItSupport.producer(bootstrap)) {
                ItSupport.produceSteadily(p, comments, producing, 20, sentAtMs, acked);
              }
            },
            "it-producer");
    Thread reader =
        new Thread(
            () -> ItSupport.countLabelEvents(bootstrap, labels, reading, counts, labelledAtMs));
    List<Process> launched = new ArrayList<>();
    try {
      launched.add(ItSupport.launchApp(config, dir.resolve("app-0.log"), "-Xmx768m", Map.of()));
      producer.start();
      reader.start();
      await(Duration.ofSeconds(180), () -> counts.size() >= 100, "the first events", dir, 0);
      List<Long> recoveries = new ArrayList<>();
      for (int k = 1; k <= KILLS; k++) {
        Thread.sleep(2000);
        long killedAtMs = System.currentTimeMillis();
        launched.get(launched.size() - 1).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        launched.add(
            ItSupport.launchApp(config, dir.resolve("app-" + k + ".log"), "-Xmx768m", Map.of()));
        await(
            Duration.ofSeconds(180),
            () ->
                sentInSecondAfter(sentAtMs, acked, killedAtMs).allMatch(labelledAtMs::containsKey),
            "events for the comments sent in the second after kill " + killedAtMs,
            dir,
            launched.size() - 1);
        recoveries.add(
            sentInSecondAfter(sentAtMs, acked, killedAtMs)
                    .mapToLong(labelledAtMs::get)
                    .max()
                    .orElseThrow()
                - killedAtMs);
      }
      producing.set(false);
      producer.join(60_000);
      await(
          Duration.ofSeconds(180),
          () -> acked.stream().allMatch(counts::containsKey),
          "an event for every acknowledged comment",
          dir,
          launched.size() - 1);
      Thread.sleep(3000); // a duplicate, if any, would arrive now
      System.out.printf(
          "kill loop: %d kills, recovery per kill %s ms (static membership %s); %d comments"
              + " acknowledged%n",
          KILLS, recoveries, staticMembership ? "on" : "off", acked.size());
      Map<String, Integer> notOnce = new TreeMap<>();
      counts.forEach(
          (id, n) -> {
            if (n != 1) {
              notOnce.put(id, n);
            }
          });
      assertThat(notOnce).as("comments with more than one event").isEmpty();
      assertThat(counts.keySet()).containsAll(acked);
      assertThat(recoveries)
          .as("scoring back within %s of each kill", RECOVERY_BOUND)
          .allMatch(ms -> ms < RECOVERY_BOUND.toMillis());
    } finally {
      producing.set(false);
      reading.set(false);
      for (Process p : launched) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      producer.join(30_000);
      reader.join(30_000);
    }
  }

  private static java.util.stream.Stream<String> sentInSecondAfter(
      Map<String, Long> sentAtMs, Set<String> acked, long atMs) {
    return sentAtMs.entrySet().stream()
        .filter(e -> e.getValue() >= atMs && e.getValue() < atMs + 1000)
        .map(Map.Entry::getKey)
        .filter(acked::contains);
  }

  private static void await(
      Duration timeout, BooleanSupplier condition, String what, Path dir, int launch)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no " + what + " within " + timeout.toSeconds() + " s; app log:\n" + tail(dir, launch));
      }
      Thread.sleep(100);
    }
  }

  private static String tail(Path dir, int launch) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("app-" + launch + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}

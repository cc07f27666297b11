package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share the input; one is killed (SIGKILL, as a crash) while comments keep arriving,
 * and the other takes over its partitions within the session timeout. The figure it prints is the
 * takeover time: from the kill to the last event of the comments sent in the second after it.
 * {@code -Dtakeover.session.timeout.ms=45000} measures Kafka's default session timeout instead of
 * the app's (docs/lab/2026-12-04-broker-loss.md).
 */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TakeoverIT {

  private static final Path JAR = Path.of("target", "streams-app.jar");

  @Test
  @SuppressWarnings("try") // closing the service may be interrupted
  void anotherInstanceTakesOverACrashedOnesPartitionsWithinTheSessionTimeout(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    assertThat(JAR).as("built by 'mvn package' before the integration tests").exists();
    String bootstrap = broker.bootstrapServers();
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String app = "takeover-it-" + System.nanoTime();
    String sessionTimeout = System.getProperty("takeover.session.timeout.ms", "");
    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state-b"));
    settings.put(ScorerConfig.MODEL_PATH, modelDir.toString());
    settings.put(ScorerConfig.RELEASES_FOLLOW, "false");
    if (!sessionTimeout.isBlank()) {
      settings.put("kafka.session.timeout.ms", sessionTimeout);
    }
    ScorerConfig cfg = new ScorerConfig(settings);
    TopicSetup.createMissing(
        cfg, TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()), 6);
    Path config = dir.resolve("a.properties");
    Map<String, Object> settingsA = new java.util.HashMap<>(settings);
    settingsA.put(ScorerConfig.STATE_DIR, dir.resolve("state-a").toString());
    ItSupport.appConfigFile(config, settingsA);

    Map<String, Long> sentAtMs = new ConcurrentHashMap<>();
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    Map<String, Long> labelledAtMs = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    String comments = cfg.getString(ScorerConfig.TOPIC_COMMENTS);
    String labels = cfg.getString(ScorerConfig.TOPIC_LABELS);
    Thread producer =
        new Thread(
            () -> {
              try (KafkaProducer<String, byte[]> p = ItSupport.producer(bootstrap)) {
                ItSupport.produceSteadily(
                    p, comments, running, 20, sentAtMs, ConcurrentHashMap.newKeySet());
              }
            });
    Thread reader =
        new Thread(
            () -> ItSupport.countLabelEvents(bootstrap, labels, running, counts, labelledAtMs));
    Process a = ItSupport.launchApp(config, dir.resolve("a.log"), "-Xmx768m", Map.of());
    try (ScoringService b = new ScoringService(cfg)) {
      producer.start();
      reader.start();
      await(Duration.ofSeconds(90), () -> counts.size() >= 100, "events from instance a", dir);
      b.start();
      await(
          Duration.ofSeconds(90),
          () -> {
            int tasks = activeTasks(b);
            return tasks > 0 && tasks < 6 && b.isReady();
          },
          "the partitions shared by both instances",
          dir);
      int before = activeTasks(b);
      Thread.sleep(2000);
      long killedAtMs = System.currentTimeMillis();
      a.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      await(
          Duration.ofSeconds(120),
          () ->
              activeTasks(b) == 6
                  && sentAtMs.entrySet().stream()
                      .filter(e -> e.getValue() > killedAtMs && e.getValue() < killedAtMs + 1000)
                      .allMatch(e -> labelledAtMs.containsKey(e.getKey())),
          "a takeover",
          dir);
      long takeoverMs =
          sentAtMs.entrySet().stream()
                  .filter(e -> e.getValue() > killedAtMs && e.getValue() < killedAtMs + 1000)
                  .mapToLong(e -> labelledAtMs.get(e.getKey()))
                  .max()
                  .orElseThrow()
              - killedAtMs;
      System.out.printf(
          "takeover: instance b had %d of 6 tasks; the comments sent in the second after instance"
              + " a was killed were all labelled %d ms after the kill (session.timeout.ms %s)%n",
          before, takeoverMs, sessionTimeout.isBlank() ? "default" : sessionTimeout);
      Thread.sleep(2000);
      running.set(false);
      producer.join(30_000);
      reader.join(30_000);
      assertThat(counts.values()).as("events per comment").allMatch(n -> n == 1);
      if (sessionTimeout.isBlank()) {
        assertThat(takeoverMs)
            .as("takeover within the session timeout and a little more")
            .isLessThan(ScorerConfig.DEFAULT_SESSION_TIMEOUT_MS + 15_000L);
      }
    } finally {
      running.set(false);
      a.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      producer.join(30_000);
      reader.join(30_000);
    }
  }

  private static int activeTasks(ScoringService s) {
    return s.streams().metadataForLocalThreads().stream()
        .mapToInt((ThreadMetadata t) -> t.activeTasks().size())
        .sum();
  }

  private static void await(Duration timeout, BooleanSupplier condition, String what, Path dir)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no " + what + " within " + timeout.toSeconds() + " s; instance a:\n" + tail(dir));
      }
      Thread.sleep(100);
    }
  }

  private static String tail(Path dir) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("a.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}

package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the streams app (SIGKILL, no shutdown) while comments sit in its buffer with their input
 * offsets already committed, restarts it, and checks that every comment got exactly one event. The
 * app runs as a separate process from the packaged jar, as users run it.
 */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashRecoveryIT {

  private static final Path JAR = Path.of("target", "streams-app.jar");
  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);

  @Test
  void aKilledAppLosesAndDuplicatesNothing(KafkaBrokerExtension.Broker broker, @TempDir Path dir)
      throws Exception {
    assertThat(JAR).as("built by 'mvn package' before the integration tests").exists();
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String app = "crash-it-" + System.nanoTime();
    Path config = dir.resolve("app.properties");
    ItSupport.appConfigFile(
        config,
        broker.bootstrapServers(),
        app,
        modelDir,
        dir.resolve("state"),
        "batch.size=100",
        // Partial batches wait ten minutes: whatever is not a full batch stays buffered.
        "batch.max.wait.ms=600000");
    ScorerConfig cfg = ScorerConfig.load(config, Map.of());
    TopicSetup.createMissing(
        broker.bootstrapServers(),
        TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()),
        1);
    String comments = cfg.getString(ScorerConfig.TOPIC_COMMENTS);
    String labels = cfg.getString(ScorerConfig.TOPIC_LABELS);

    Process first = ItSupport.launchApp(config, dir.resolve("first.log"), "-Xmx1g", Map.of());
    try {
      crashWithBufferedComments(broker, first, app, comments, labels, dir);
    } finally {
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(first.isAlive()).isFalse();
    restartAndCheck(broker, config, labels, dir);
  }

  private void crashWithBufferedComments(
      KafkaBrokerExtension.Broker broker,
      Process first,
      String app,
      String comments,
      String labels,
      Path dir)
      throws Exception {
    List<String> texts = TestData.sample(350).texts();
    try (KafkaProducer<String, byte[]> producer = ItSupport.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 350; i++) {
        String text =
            texts.get(i).isBlank()
                ? "blank"
                : texts.get(i).substring(0, Math.min(2000, texts.get(i).length()));
        producer.send(
            new ProducerRecord<>(
                comments,
                "c-" + i,
                CODEC.encode(
                    Comment.newBuilder()
                        .setCommentId("c-" + i)
                        .setText(text)
                        .setCreatedAt(Instant.now())
                        .build())));
      }
    }
    // Three full batches are scored; the last 50 comments wait in the buffer. Wait until their
    // offsets are committed, so a naive in-memory buffer would lose them in the crash.
    awaitCommitted(
        broker, app, new TopicPartition(comments, 0), 350, first, dir.resolve("first.log"));
    List<ConsumerRecord<String, byte[]>> beforeCrash =
        ItSupport.readUntil(
            broker.bootstrapServers(), labels, Duration.ofSeconds(60), got -> got.size() >= 300);
    assertThat(beforeCrash).hasSize(300);
  }

  private void restartAndCheck(
      KafkaBrokerExtension.Broker broker, Path config, String labels, Path dir) throws Exception {
    Process second =
        ItSupport.launchApp(
            config,
            dir.resolve("second.log"),
            "-Xmx1g",
            Map.of("MODSTREAM_BATCH_MAX_WAIT_MS", "200"));
    try {
      List<ConsumerRecord<String, byte[]>> events =
          ItSupport.readUntil(
              broker.bootstrapServers(), labels, Duration.ofSeconds(120), got -> got.size() >= 350);
      Thread.sleep(3000);
      events =
          ItSupport.readUntil(
              broker.bootstrapServers(), labels, Duration.ofSeconds(5), got -> false);
      List<String> keys = new ArrayList<>();
      events.forEach(r -> keys.add(r.key()));
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 350; i++) {
        expected.add("c-" + i);
      }
      assertThat(keys)
          .as("log of the restarted app:\n%s", tail(dir.resolve("second.log")))
          .hasSize(350)
          .doesNotHaveDuplicates();
      assertThat(new HashSet<>(keys)).isEqualTo(expected);
      assertThat(Files.readString(dir.resolve("second.log")))
          .contains("50 buffered comments restored from the changelog");
    } finally {
      second.destroy();
      if (!second.waitFor(30, TimeUnit.SECONDS)) {
        second.destroyForcibly();
      }
    }
  }

  private static void awaitCommitted(
      KafkaBrokerExtension.Broker broker,
      String group,
      TopicPartition tp,
      long offset,
      Process app,
      Path log)
      throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        assertThat(app.isAlive()).as("app died:\n%s", tail(log)).isTrue();
        Map<TopicPartition, OffsetAndMetadata> committed =
            new HashMap<>(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
        OffsetAndMetadata o = committed.get(tp);
        if (o != null && o.offset() >= offset) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError(
        "offsets never committed up to " + offset + "; app log:\n" + tail(log));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}

package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModelBundle;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.AvroSerde;
import io.modstream.schemas.Comment;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelRelease;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances in one consumer group serve release t1 while comments flow; release t2 is published
 * and both swap without stopping; then a corrupt release t3 is refused by both while t2 keeps
 * serving. Every comment gets exactly one event, and on every partition the events go from t1 to t2
 * with no gap, no duplicate and never back.
 */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("try") // ScoringService.close() may throw InterruptedException
class HotSwapIT {

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);

  @Test
  void bothInstancesSwapLiveAndRefuseACorruptRelease(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    String bootstrap = broker.bootstrapServers();
    Path store = dir.resolve("store");
    Path t1 = dir.resolve("t1");
    Path t2 = dir.resolve("t2");
    TestData.tinyModel().bundle().save(t1);
    TestData.trainTiny("t2", 11L).bundle().save(t2);
    String app = "swap-it-" + System.nanoTime();
    Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state-a"));
    settings.put(ScorerConfig.BATCH_SIZE, 16);
    ScorerConfig cfgA = new ScorerConfig(settings);
    settings.put(ScorerConfig.STATE_DIR, dir.resolve("state-b").toString());
    ScorerConfig cfgB = new ScorerConfig(settings);
    TopicSetup.createMissing(
        bootstrap, TopicSetup.specs(cfgA, TestData.tinyModel().bundle().info().labels()), 4);

    try (KafkaProducer<String, ModelRelease> releases =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            AvroSerde.of(ModelRelease.class))) {
      release(releases, app + "-releases", t1, store, "t1", false);

      AtomicBoolean producing = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      Thread producer;
      try (ScoringService a = new ScoringService(cfgA);
          ScoringService b = new ScoringService(cfgB)) {
        assertThat(a.models().current().info().version())
            .as("no model.path: the latest release")
            .isEqualTo("t1");
        a.start();
        b.start();
        List<String> texts = TestData.sample(400).texts();
        producer =
            new Thread(
                () -> {
                  try (KafkaProducer<String, byte[]> p = ItSupport.producer(bootstrap)) {
                    while (producing.get()) {
                      int i = sent.getAndIncrement();
                      String text = texts.get(i % texts.size());
                      p.send(
                          new ProducerRecord<>(
                              app + "-comments",
                              "c-" + i,
                              CODEC.encode(
                                  Comment.newBuilder()
                                      .setCommentId("c-" + i)
                                      .setText(text.isBlank() ? "blank" : text)
                                      .setCreatedAt(Instant.now())
                                      .build())));
                      Thread.sleep(20);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "comment-producer");
        producer.start();
        await(Duration.ofSeconds(90), () -> eventsSoFar(bootstrap, app) > 100);

        release(releases, app + "-releases", t2, store, "t2", false);
        await(Duration.ofSeconds(90), () -> version(a).equals("t2") && version(b).equals("t2"));
        Thread.sleep(3000);

        release(releases, app + "-releases", t2, store, "t3", true);
        await(Duration.ofSeconds(60), () -> refused(a) && refused(b));
        assertThat(version(a)).isEqualTo("t2");
        assertThat(version(b)).isEqualTo("t2");
        Thread.sleep(2000);
        producing.set(false);
        producer.join();
        assertThat(a.follower().swaps()).isEqualTo(1);
        assertThat(b.follower().swaps()).isEqualTo(1);

        int total = sent.get();
        List<ConsumerRecord<String, byte[]>> events =
            ItSupport.readUntil(
                bootstrap, app + "-labels", Duration.ofSeconds(90), got -> got.size() >= total);
        events =
            ItSupport.readUntil(bootstrap, app + "-labels", Duration.ofSeconds(5), got -> false);
        AvroSerde<LabelEvent> serde = AvroSerde.of(LabelEvent.class);
        List<String> keys = new ArrayList<>();
        Map<Integer, String> lastVersion = new HashMap<>();
        Map<String, Integer> perVersion = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : events) {
          String v = serde.deserialize(r.topic(), r.value()).getModelVersion();
          keys.add(r.key());
          perVersion.merge(v, 1, Integer::sum);
          String before = lastVersion.put(r.partition(), v);
          assertThat(before == null || before.compareTo(v) <= 0)
              .as("partition %d went from %s back to %s", r.partition(), before, v)
              .isTrue();
        }
        assertThat(keys).hasSize(total).doesNotHaveDuplicates();
        assertThat(perVersion).containsOnlyKeys("t1", "t2");
      }
    }
  }

  private static String version(ScoringService s) {
    return s.models().current().info().version();
  }

  private static boolean refused(ScoringService s) {
    String r = s.follower().lastRefused();
    return r != null && r.startsWith("t3");
  }

  private static int eventsSoFar(String bootstrap, String app) {
    return ItSupport.readUntil(
            bootstrap, app + "-labels", Duration.ofSeconds(2), got -> got.size() > 100)
        .size();
  }

  /**
   * Copies a bundle into the store as name/version and publishes its release; corrupt flips a byte
   * after copying.
   */
  private static void release(
      KafkaProducer<String, ModelRelease> producer,
      String topic,
      Path bundle,
      Path store,
      String version,
      boolean corrupt)
      throws Exception {
    Path target = store.resolve("tiny").resolve(version);
    String digest = ModelBundle.copy(bundle, target);
    if (corrupt) {
      try (RandomAccessFile f =
          new RandomAccessFile(target.resolve(ModelBundle.NETWORK_FILE).toFile(), "rw")) {
        f.seek(f.length() / 2);
        int b = f.read();
        f.seek(f.length() / 2);
        f.write(b ^ 0xFF);
      }
    }
    producer
        .send(
            new ProducerRecord<>(
                topic,
                "tiny",
                ModelRelease.newBuilder()
                    .setModelName("tiny")
                    .setVersion(version)
                    .setBundleUri(target.toUri().toString())
                    .setBundleSha256(digest)
                    .setCreatedAt(Instant.now())
                    .build()))
        .get();
  }

  private static void await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(250);
    }
  }
}

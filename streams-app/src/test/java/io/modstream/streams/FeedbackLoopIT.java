package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.data.Partition;
import io.modstream.model.testing.TestData;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingListener;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.AvroSerde;
import io.modstream.schemas.Comment;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.Topics;
import io.modstream.trainer.retrain.Canaries;
import io.modstream.trainer.retrain.FeedbackRows;
import io.modstream.trainer.retrain.Gate;
import io.modstream.trainer.retrain.ReleaseStore;
import io.modstream.trainer.retrain.Retrainer;
import java.nio.file.Files;
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
 * The whole loop on a real broker: the app serves release t1 while comments flow; feedback is
 * published; the retrainer trains, gates and releases a candidate; the app swaps live. And the
 * other way: a candidate trained on feedback with flipped labels is rejected, recorded, never
 * served.
 */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("try") // ScoringService.close() may throw InterruptedException
class FeedbackLoopIT {

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);

  record Env(String app, String bootstrap, ScorerConfig cfg, Path store, Path decisions) {}

  Env setUp(KafkaBrokerExtension.Broker broker, Path dir) throws Exception {
    String app = "loop-it-" + System.nanoTime();
    Map<String, Object> settings =
        ItSupport.scorerSettings(broker.bootstrapServers(), app, dir.resolve("state"));
    settings.put(ScorerConfig.BATCH_SIZE, 16);
    ScorerConfig cfg = new ScorerConfig(settings);
    TopicSetup.createMissing(
        broker.bootstrapServers(),
        TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()),
        2);
    TopicSetup.createMissing(
        broker.bootstrapServers(), List.of(Topics.COMMENT_FEEDBACK.withName(app + "-feedback")), 2);
    Path t1 = dir.resolve("t1");
    TestData.tinyModel().bundle().save(t1);
    Path store = dir.resolve("store");
    new ReleaseStore(store, broker.bootstrapServers(), app + "-releases").release(t1, null);
    return new Env(app, broker.bootstrapServers(), cfg, store, store.resolve("decisions.jsonl"));
  }

  Retrainer retrainer(Env env, Retrainer.Mode mode, Gate gate) throws Exception {
    FeedbackRows.Guard guard = FeedbackRows.Guard.defaults();
    Path canaries = env.store().resolve("canaries.csv");
    Files.writeString(canaries, "text,expected_flags\n\"you are a stupid fucking idiot\",toxic\n");
    TrainingConfig t = TestData.TINY;
    TrainingConfig training =
        new TrainingConfig(
            t.embeddingDim(),
            t.lstmUnits(),
            t.denseUnits(),
            t.dropout(),
            t.maxLength(),
            t.vocabMinFrequency(),
            t.vocabMaxSize(),
            t.batchSize(),
            2,
            2,
            t.learningRate(),
            7L);
    return new Retrainer(
        new Retrainer.Settings(
            env.bootstrap(),
            env.app() + "-feedback",
            env.app() + "-releases",
            "tiny",
            TestData.samplePath(),
            env.store(),
            env.decisions(),
            mode,
            training,
            Partition.defaults(),
            // Verdicts count as base rows and no reviewer or source is capped, as before the guard.
            new FeedbackRows.Guard(
                1.0,
                1.0,
                1.0,
                guard.distrustedWeight(),
                guard.contradictionZ(),
                guard.contradictionGap(),
                guard.minVerdicts()),
            gate,
            Canaries.read(canaries),
            null));
  }

  void publishFeedback(Env env, boolean flip) throws Exception {
    LabelledDataset sample = TestData.sample(600);
    try (KafkaProducer<String, Feedback> p =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                env.bootstrap(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                1),
            new StringSerializer(),
            AvroSerde.of(Feedback.class))) {
      int i = 0;
      for (LabelledComment row : sample.rows()) {
        Map<String, Boolean> labels = new HashMap<>();
        for (int j = 0; j < sample.labels().size(); j++) {
          labels.put(sample.labels().get(j), flip != row.label(j));
        }
        p.send(
            new ProducerRecord<>(
                env.app() + "-feedback",
                row.id(),
                Feedback.newBuilder()
                    .setCommentId(row.id())
                    .setText(row.text())
                    .setLabels(labels)
                    .setSource(
                        i % 3 == 0 ? FeedbackSource.USER_REPORT : FeedbackSource.MODERATOR_DECISION)
                    .setReviewerId("mod-" + (i++ % 25))
                    .setCreatedAt(Instant.now())
                    .build()));
      }
    }
  }

  @Test
  void feedbackBecomesAReleasedModelThatTheRunningAppSwapsTo(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Env env = setUp(broker, dir);
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    try (ScoringService app = new ScoringService(env.cfg())) {
      app.start();
      List<String> texts = TestData.sample(300).texts();
      Thread producer =
          new Thread(
              () -> {
                try (KafkaProducer<String, byte[]> p = ItSupport.producer(env.bootstrap())) {
                  while (producing.get()) {
                    int i = sent.getAndIncrement();
                    String text = texts.get(i % texts.size());
                    p.send(
                        new ProducerRecord<>(
                            env.app() + "-comments",
                            "c-" + i,
                            CODEC.encode(
                                Comment.newBuilder()
                                    .setCommentId("c-" + i)
                                    .setText(text.isBlank() ? "blank" : text)
                                    .setCreatedAt(Instant.now())
                                    .build())));
                    Thread.sleep(25);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      producer.start();
      publishFeedback(env, false);

      Retrainer.Decision decision =
          retrainer(env, Retrainer.Mode.FINE_TUNE, new Gate(0.05, 0.15))
              .runOnce(new TrainingListener() {});
      assertThat(decision.released()).as("decision %s", decision.record()).isTrue();
      assertThat(decision.championVersion()).isEqualTo("t1");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!app.models().current().info().version().equals(decision.candidateVersion())
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(app.models().current().info().version()).isEqualTo(decision.candidateVersion());
      Thread.sleep(2000);
      producing.set(false);
      producer.join();

      int total = sent.get();
      List<ConsumerRecord<String, byte[]>> events =
          ItSupport.readUntil(
              env.bootstrap(),
              env.app() + "-labels",
              Duration.ofSeconds(90),
              got -> got.size() >= total);
      events =
          ItSupport.readUntil(
              env.bootstrap(), env.app() + "-labels", Duration.ofSeconds(4), got -> false);
      AvroSerde<LabelEvent> serde = AvroSerde.of(LabelEvent.class);
      List<String> keys = new ArrayList<>();
      Map<Integer, String> last = new HashMap<>();
      Map<String, Integer> perVersion = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : events) {
        String v = serde.deserialize(r.topic(), r.value()).getModelVersion();
        keys.add(r.key());
        perVersion.merge(v, 1, Integer::sum);
        String before = last.put(r.partition(), v);
        assertThat(before == null || before.equals(v) || before.equals("t1"))
            .as("partition %d went from %s to %s", r.partition(), before, v)
            .isTrue();
      }
      assertThat(keys).hasSize(total).doesNotHaveDuplicates();
      assertThat(perVersion).containsOnlyKeys("t1", decision.candidateVersion());
      assertThat(Files.readString(env.decisions()))
          .contains("\"released\":true")
          .contains("\"champion\"");
    }
  }

  @Test
  void aCandidateTrainedOnFlippedLabelsIsRejectedRecordedAndNeverServed(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Env env = setUp(broker, dir);
    try (ScoringService app = new ScoringService(env.cfg())) {
      app.start();
      publishFeedback(env, true);
      Retrainer.Decision decision =
          retrainer(env, Retrainer.Mode.FULL, new Gate(0.01, 0.05))
              .runOnce(new TrainingListener() {});
      assertThat(decision.released()).as("decision %s", decision.record()).isFalse();
      assertThat(decision.reasons()).isNotEmpty();
      String record = Files.readString(env.decisions());
      assertThat(record)
          .contains("\"released\":false")
          .contains("\"candidate\"")
          .contains("\"champion\"")
          .contains("mean_roc_auc");
      Thread.sleep(3000);
      assertThat(app.models().current().info().version()).isEqualTo("t1");
      assertThat(app.follower().swaps()).isZero();
    }
  }
}

package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledCsv;
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
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.Topics;
import io.modstream.trainer.experiment.Verdicts;
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
import org.apache.kafka.clients.producer.ProducerRecord;
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
    return retrainer(env, mode, gate, FeedbackRows.Guard.defaults(), TestData.samplePath());
  }

  Retrainer retrainer(
      Env env, Retrainer.Mode mode, Gate gate, FeedbackRows.Guard guard, Path baseData)
      throws Exception {
    Path canaries = env.store().resolve("canaries.csv");
    Files.writeString(canaries, "text,expected_flags\n\"you are a stupid fucking idiot\",toxic\n");
    TrainingConfig training = TestData.TINY.withRun(2, 2, TestData.TINY.learningRate(), 7L);
    return new Retrainer(
        new Retrainer.Settings(
            ModelReleases.connection(env.bootstrap()),
            env.app() + "-feedback",
            env.app() + "-releases",
            "tiny",
            baseData,
            env.store(),
            env.decisions(),
            mode,
            training,
            Partition.defaults(),
            guard,
            gate,
            Canaries.read(canaries),
            null));
  }

  /** Sample rows [from, to) as verdicts, labels inverted when {@code flip}. */
  static List<Feedback> verdicts(
      int from, int to, boolean flip, String reviewerPrefix, int reviewers) {
    LabelledDataset sample = TestData.sample(to);
    List<Feedback> out = new ArrayList<>();
    int i = 0;
    for (LabelledComment row : sample.rows().subList(from, to)) {
      Map<String, Boolean> labels = new HashMap<>();
      for (int j = 0; j < sample.labels().size(); j++) {
        labels.put(sample.labels().get(j), flip != row.label(j));
      }
      out.add(
          Feedback.newBuilder()
              .setCommentId(row.id())
              .setText(row.text())
              .setLabels(labels)
              .setSource(
                  i++ % 3 == 0 ? FeedbackSource.USER_REPORT : FeedbackSource.MODERATOR_DECISION)
              .setReviewerId(reviewers == 1 ? reviewerPrefix : reviewerPrefix + (i % reviewers))
              .setCreatedAt(Instant.now())
              .build());
    }
    return out;
  }

  void publishFeedback(Env env, boolean flip) throws Exception {
    // Rows the champion t1 (trained on the first 600) never saw.
    publish(env, verdicts(600, 1200, flip, "mod-", 25));
  }

  void publish(Env env, List<Feedback> verdicts) throws Exception {
    Verdicts.publish(ModelReleases.connection(env.bootstrap()), env.app() + "-feedback", verdicts);
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
          .contains("mean_roc_auc")
          .contains("\"bias\":{\"champion\":{\"label\":\"toxic\"")
          .contains("\"bias_margin\":0.02");
      Thread.sleep(3000);
      assertThat(app.models().current().info().version()).isEqualTo("t1");
      assertThat(app.follower().swaps()).isZero();
    }
  }

  private static final String TARGET = "you are a stupid fucking idiot";

  /**
   * Ten honest reviewers (70% of the verdicts) and mallory (30%), who inverts every label and marks
   * copies of a toxic comment clean.
   */
  static List<Feedback> hostileCampaign() {
    List<Feedback> all = new ArrayList<>(verdicts(600, 1600, false, "mod-", 10));
    List<Feedback> hostile = new ArrayList<>(verdicts(1600, 2000, true, "mallory", 1));
    Map<String, Boolean> clean = new HashMap<>();
    for (String label : TestData.sample(1).labels()) {
      clean.put(label, false);
    }
    for (int i = 0; i < 30; i++) {
      hostile.add(
          Feedback.newBuilder()
              .setCommentId("target-" + i)
              .setText(TARGET + (i == 0 ? "" : " " + i))
              .setLabels(clean)
              .setSource(FeedbackSource.MODERATOR_DECISION)
              .setReviewerId("mallory")
              .setCreatedAt(Instant.now())
              .build());
    }
    all.addAll(hostile);
    assertThat(hostile.size() / (double) all.size()).isBetween(0.29, 0.31);
    return all;
  }

  @Test
  void aHostileReviewerCanNeitherDegradeTheModelNorFlipATargetedComment(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Env env = setUp(broker, dir.resolve("guarded"));
    publish(env, hostileCampaign());
    Gate gate = new Gate(0.003, 0.02);
    Retrainer.Decision guarded =
        retrainer(env, Retrainer.Mode.FINE_TUNE, gate).runOnce(new TrainingListener() {});
    assertThat(guarded.record()).contains("\"distrusted_reviewers\":[{\"reviewer\":\"mallory\"");
    ModerationModel candidate = ModerationModel.of(guarded.candidate());
    assertThat(candidate.flagged(candidate.score(List.of(TARGET))[0])).contains("toxic");
    JsonNode base = new ObjectMapper().readTree(guarded.record()).path("golden").path("base");
    assertThat(base.path("candidate_mean_roc_auc").asDouble())
        .as("the candidate trained beside mallory is not degraded")
        .isGreaterThan(base.path("champion_mean_roc_auc").asDouble() - 0.003);

    // The same campaign with the guard off: mallory's verdicts do reach the model.
    Env open = setUp(broker, dir.resolve("open"));
    publish(open, hostileCampaign());
    FeedbackRows.Guard d = FeedbackRows.Guard.defaults();
    FeedbackRows.Guard off =
        new FeedbackRows.Guard(d.feedbackWeight(), 1.0, 1.0, 1.0, 1e9, 1.0, d.minVerdicts());
    Retrainer.Decision unguarded =
        retrainer(open, Retrainer.Mode.FINE_TUNE, gate, off, TestData.samplePath())
            .runOnce(new TrainingListener() {});
    ModerationModel poisoned = ModerationModel.of(unguarded.candidate());
    assertThat(poisoned.score(List.of(TARGET))[0][0])
        .as("unguarded, the targeted comment's toxic score falls")
        .isLessThan(candidate.score(List.of(TARGET))[0][0]);
    assertThat(unguarded.released()).as(unguarded.record()).isFalse();
  }

  @Test
  void aGoldenRowsLabelChangesNoWeightOfTheCandidate(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    List<Feedback> verdicts = verdicts(600, 1000, false, "mod-", 10);
    Env a = setUp(broker, dir.resolve("a"));
    publish(a, verdicts);
    Retrainer.Decision first =
        retrainer(a, Retrainer.Mode.FINE_TUNE, new Gate(0.05, 0.15))
            .runOnce(new TrainingListener() {});

    // Flip one golden base row in a copy of the base data and one golden verdict.
    LabelledDataset base = LabelledCsv.read(TestData.samplePath());
    List<LabelledComment> rows = new ArrayList<>(base.rows());
    int flippedBase = -1;
    for (int i = 0; i < rows.size() && flippedBase < 0; i++) {
      if (Partition.defaults().of(rows.get(i).id()) == Partition.Part.GOLDEN
          && rows.get(i).label(0)) {
        flippedBase = i;
      }
    }
    LabelledComment g = rows.get(flippedBase);
    boolean[] inverted = g.labels();
    for (int j = 0; j < inverted.length; j++) {
      inverted[j] = !inverted[j];
    }
    rows.set(flippedBase, new LabelledComment(g.id(), g.text(), inverted));
    Path changedBase = dir.resolve("base-flipped.csv");
    LabelledCsv.write(changedBase, new LabelledDataset(base.labels(), rows, "flipped", ""));
    List<Feedback> changed = new ArrayList<>(verdicts);
    int golden = -1;
    for (int i = 0; i < changed.size() && golden < 0; i++) {
      if (Partition.defaults().of(changed.get(i).getCommentId()) == Partition.Part.GOLDEN) {
        golden = i;
      }
    }
    Map<String, Boolean> flippedLabels = new HashMap<>();
    changed.get(golden).getLabels().forEach((k, v) -> flippedLabels.put(k, !v));
    changed.set(golden, Feedback.newBuilder(changed.get(golden)).setLabels(flippedLabels).build());

    Env b = setUp(broker, dir.resolve("b"));
    publish(b, changed);
    Retrainer.Decision second =
        retrainer(
                b,
                Retrainer.Mode.FINE_TUNE,
                new Gate(0.05, 0.15),
                FeedbackRows.Guard.defaults(),
                changedBase)
            .runOnce(new TrainingListener() {});
    ModelBundle x = first.candidate();
    ModelBundle y = second.candidate();
    List<String> probe = List.of("you", "stupid", "idiot", "thanks", "wiki");
    assertThat(y.linear().logits(probe)).containsExactly(x.linear().logits(probe));
    assertThat(y.info().calibration()).isEqualTo(x.info().calibration());
    assertThat(y.info().thresholds()).isEqualTo(x.info().thresholds());
    int[][] ids = {{2, 3, 4, 5}, {7, 8}};
    assertThat(y.newNetwork().predict(ids)).isDeepEqualTo(x.newNetwork().predict(ids));
    // The gate did see the changed rows.
    assertThat(second.record()).isNotEqualTo(first.record());
  }
}

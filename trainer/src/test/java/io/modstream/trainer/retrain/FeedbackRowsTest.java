package io.modstream.trainer.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.data.Partition;
import io.modstream.model.training.Example;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeedbackRowsTest {

  private static final List<String> LABELS = List.of("toxic", "threat");
  private static final Partition PARTITION = Partition.defaults();
  private static final FeedbackRows.Guard GUARD = FeedbackRows.Guard.defaults();

  private static Feedback fb(String id, String reviewer, FeedbackSource source, int minute) {
    return fb(id, reviewer, source, minute, Map.of("toxic", true, "threat", false));
  }

  private static Feedback fb(
      String id, String reviewer, FeedbackSource source, int minute, Map<String, Boolean> labels) {
    return Feedback.newBuilder()
        .setCommentId(id)
        .setText("text " + id)
        .setLabels(labels)
        .setSource(source)
        .setReviewerId(reviewer)
        .setCreatedAt(Instant.parse("2026-11-22T00:00:00Z").plusSeconds(60L * minute))
        .build();
  }

  private static List<String> ids(List<Example> rows) {
    return rows.stream().map(e -> e.comment().id()).toList();
  }

  @Test
  void theThreeSetsAreStableByIdAndDisjoint() {
    Map<String, Feedback> all = new LinkedHashMap<>();
    for (int i = 0; i < 2000; i++) {
      all.put("c" + i, fb("c" + i, "r" + i, FeedbackSource.MODERATOR_DECISION, i));
    }
    FeedbackRows a = FeedbackRows.of(all, LABELS, PARTITION, GUARD, Map.of());
    FeedbackRows b = FeedbackRows.of(all, LABELS, PARTITION, GUARD, Map.of());
    assertThat(a.golden()).isEqualTo(b.golden());
    assertThat(a.golden().size()).isBetween(150, 250);
    assertThat(a.calibration().size()).isBetween(240, 360);
    assertThat(a.train().size() + a.calibration().size() + a.golden().size()).isEqualTo(2000);
    assertThat(ids(a.train()))
        .doesNotContainAnyElementsOf(ids(a.golden()))
        .doesNotContainAnyElementsOf(ids(a.calibration()));
    for (Example e : a.golden()) {
      assertThat(PARTITION.of(e.comment().id())).isEqualTo(Partition.Part.GOLDEN);
    }
    assertThat(a.train().get(0).comment().labels()).containsExactly(true, false);
    assertThat(a.train().get(0).weight()).isEqualTo(GUARD.feedbackWeight());
  }

  @Test
  void capsAreSharesOfARunAndDoNotThrottleAFewHonestReviewers() {
    Map<String, Feedback> all = new LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      all.put("m" + i, fb("m" + i, "mod-" + (i % 2), FeedbackSource.MODERATOR_DECISION, i));
    }
    // Two reviewers with 1,500 verdicts each: a share cap of 0.25 cannot apply to them.
    FeedbackRows two = FeedbackRows.of(all, LABELS, PARTITION, GUARD, Map.of());
    assertThat(two.counts()).doesNotContainKey("dropped.reviewer_share");

    Map<String, Feedback> crowd = new LinkedHashMap<>();
    for (int i = 0; i < 600; i++) {
      crowd.put("spam" + i, fb("spam" + i, "mallory", FeedbackSource.USER_REPORT, i));
    }
    for (int i = 0; i < 400; i++) {
      crowd.put("mod" + i, fb("mod" + i, "mod-" + (i % 10), FeedbackSource.MODERATOR_DECISION, i));
    }
    FeedbackRows rows = FeedbackRows.of(crowd, LABELS, PARTITION, GUARD, Map.of());
    int trained = rows.train().size();
    int considered = trained + rows.counts().getOrDefault("dropped.reviewer_share", 0);
    long mallory = rows.train().stream().filter(e -> e.comment().id().startsWith("spam")).count();
    assertThat(mallory).isLessThanOrEqualTo((long) Math.ceil(0.25 * considered));
    assertThat(rows.counts().get("dropped.reviewer_share")).isPositive();
  }

  @Test
  void aPartialVerdictJudgesOnlyItsLabels() {
    Map<String, Feedback> all = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      all.put(
          "p" + i,
          fb("p" + i, "r", FeedbackSource.AUDIT, i, Map.of("toxic", true, "not_a_label", true)));
    }
    all.put("none", fb("none", "r", FeedbackSource.AUDIT, 0, Map.of("spam", true)));
    FeedbackRows rows = FeedbackRows.of(all, LABELS, PARTITION, GUARD, Map.of());
    List<Example> used = new ArrayList<>(rows.train());
    used.addAll(rows.calibration());
    used.addAll(rows.golden());
    assertThat(used).hasSize(50);
    for (Example e : used) {
      assertThat(e.judged()).containsExactly(true, false);
    }
    assertThat(rows.counts())
        .containsEntry("partial", 50)
        .containsEntry("skipped.no_model_label", 1);
  }

  @Test
  void aReviewerWhoContradictsTheRestIsDistrustedNamedAndKeptOutOfHeldOutRows() {
    Random random = new Random(3);
    Map<String, Feedback> all = new LinkedHashMap<>();
    Map<String, float[]> serving = new HashMap<>();
    for (int i = 0; i < 1400; i++) {
      // Honest reviewers in a new domain: the serving model is often wrong for them too.
      boolean toxic = random.nextDouble() < 0.3;
      float score = (float) (toxic ? 0.3 + 0.6 * random.nextDouble() : 0.5 * random.nextDouble());
      all.put(
          "h" + i,
          fb("h" + i, "mod-" + (i % 10), FeedbackSource.MODERATOR_DECISION, i, verdict(toxic)));
      serving.put("h" + i, new float[] {score, 0.01f});
    }
    for (int i = 0; i < 600; i++) {
      boolean toxic = random.nextDouble() < 0.3;
      float score = (float) (toxic ? 0.3 + 0.6 * random.nextDouble() : 0.5 * random.nextDouble());
      all.put(
          "x" + i, fb("x" + i, "mallory", FeedbackSource.MODERATOR_DECISION, i, verdict(!toxic)));
      serving.put("x" + i, new float[] {score, 0.01f});
    }
    FeedbackRows rows = FeedbackRows.of(all, LABELS, PARTITION, GUARD, serving);
    assertThat(rows.distrusted())
        .extracting(FeedbackRows.Distrust::reviewer)
        .containsExactly("mallory");
    assertThat(ids(rows.golden())).noneMatch(id -> id.startsWith("x"));
    assertThat(ids(rows.calibration())).noneMatch(id -> id.startsWith("x"));
    assertThat(rows.train())
        .filteredOn(e -> e.comment().id().startsWith("x"))
        .allMatch(e -> e.weight() == 0.0);
    assertThat(rows.train())
        .filteredOn(e -> e.comment().id().startsWith("h"))
        .allMatch(e -> e.weight() == GUARD.feedbackWeight());
  }

  private static Map<String, Boolean> verdict(boolean toxic) {
    return Map.of("toxic", toxic, "threat", false);
  }

  @Test
  void aNewerVerdictOverridesOnlyTheLabelsItJudges() {
    Feedback older = fb("c", "a", FeedbackSource.MODERATOR_DECISION, 0, verdict(true));
    Feedback newer = fb("c", "b", FeedbackSource.APPEAL, 5, Map.of("toxic", false));
    Feedback merged = FeedbackLog.merge(older, newer);
    assertThat(merged.getLabels()).containsEntry("toxic", false).containsEntry("threat", false);
    assertThat(merged.getReviewerId()).isEqualTo("b");
    assertThat(merged.getSource()).isEqualTo(FeedbackSource.APPEAL);
  }
}

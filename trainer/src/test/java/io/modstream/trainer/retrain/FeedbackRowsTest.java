package io.modstream.trainer.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedbackRowsTest {

  private static final List<String> LABELS = List.of("toxic", "threat");

  private static Feedback fb(String id, String reviewer, FeedbackSource source, int minute) {
    return Feedback.newBuilder()
        .setCommentId(id)
        .setText("text " + id)
        .setLabels(Map.of("toxic", true, "threat", false))
        .setSource(source)
        .setReviewerId(reviewer)
        .setCreatedAt(Instant.parse("2026-11-22T00:00:00Z").plusSeconds(60L * minute))
        .build();
  }

  @Test
  void holdoutIsStableByIdAndNeverTrainedOn() {
    Map<String, Feedback> all = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      all.put("c" + i, fb("c" + i, "r" + i, FeedbackSource.MODERATOR_DECISION, i));
    }
    FeedbackRows a = FeedbackRows.of(all, LABELS, 20, 1000, 1.0);
    FeedbackRows b = FeedbackRows.of(all, LABELS, 20, 1000, 1.0);
    assertThat(a.golden()).isEqualTo(b.golden());
    assertThat(a.golden().size()).isBetween(150, 250);
    assertThat(a.train().size() + a.golden().size()).isEqualTo(1000);
    assertThat(a.train()).doesNotContainAnyElementsOf(a.golden());
    assertThat(a.train().get(0).labels()).containsExactly(true, false);
  }

  @Test
  void oneReviewerOrOneSourceCannotDominate() {
    Map<String, Feedback> all = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      all.put("spam" + i, fb("spam" + i, "mallory", FeedbackSource.USER_REPORT, i));
    }
    for (int i = 0; i < 100; i++) {
      all.put("mod" + i, fb("mod" + i, "mod-" + (i % 10), FeedbackSource.MODERATOR_DECISION, i));
    }
    FeedbackRows rows = FeedbackRows.of(all, LABELS, 0, 50, 0.5);
    assertThat(rows.counts()).containsEntry("dropped.reviewer_cap", 250);
    assertThat(rows.counts()).containsEntry("train.source.USER_REPORT", 50);
    assertThat(rows.counts()).containsEntry("train.source.MODERATOR_DECISION", 75);
    assertThat(rows.counts()).containsEntry("dropped.source_cap", 25);
  }

  @Test
  void aSingleSourceIsNotCappedAgainstItself() {
    Map<String, Feedback> all = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      all.put("m" + i, fb("m" + i, "mod-" + (i % 10), FeedbackSource.MODERATOR_DECISION, i));
    }
    FeedbackRows rows = FeedbackRows.of(all, LABELS, 0, 50, 0.5);
    assertThat(rows.train()).hasSize(100);
    assertThat(rows.counts()).doesNotContainKey("dropped.source_cap");
  }

  @Test
  void verdictsThatDoNotJudgeEveryLabelAreSkipped() {
    Feedback partial =
        Feedback.newBuilder()
            .setCommentId("p")
            .setText("t")
            .setLabels(Map.of("toxic", true))
            .setSource(FeedbackSource.AUDIT)
            .setCreatedAt(Instant.EPOCH)
            .build();
    FeedbackRows rows = FeedbackRows.of(Map.of("p", partial), LABELS, 0, 10, 1.0);
    assertThat(rows.train()).isEmpty();
    assertThat(rows.counts()).containsEntry("skipped.incomplete_labels", 1);
  }
}

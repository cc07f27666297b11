package io.modstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RetrainScheduleTest {

  private static final long MINUTE = 60_000_000_000L;

  @Test
  void runsOnNewRecordsOrOnTimeWithNewFeedback() {
    RetrainSchedule s = new RetrainSchedule(200, 10, 50, 0);
    assertThat(s.fresh(249)).isEqualTo(199);
    assertThat(s.due(249, MINUTE)).isNull();
    assertThat(s.due(250, MINUTE)).isEqualTo("count trigger");
    assertThat(s.due(51, 10 * MINUTE)).isEqualTo("time trigger");
    // no new feedback: no run, however long it has been
    assertThat(s.due(50, 100 * MINUTE)).isNull();

    s.ran(250, 10 * MINUTE);
    assertThat(s.fresh(250)).isZero();
    assertThat(s.due(250, 100 * MINUTE)).isNull();
    assertThat(s.due(449, 11 * MINUTE)).isNull();
    assertThat(s.due(450, 11 * MINUTE)).isEqualTo("count trigger");
  }

  @Test
  void aFailedRunKeepsItsFeedbackNewAndWaitsForTheNextTrigger() {
    RetrainSchedule s = new RetrainSchedule(200, 10, 0, 0);
    assertThat(s.due(200, MINUTE)).isEqualTo("count trigger");
    s.failed(200, MINUTE);

    // not again at the next poll ...
    assertThat(s.due(200, MINUTE + 10_000_000_000L)).isNull();
    assertThat(s.fresh(200)).isEqualTo(200);
    // ... but when the time trigger comes round, the 200 records are still new
    assertThat(s.due(200, 11 * MINUTE)).isEqualTo("time trigger");
    // or after 200 more records
    assertThat(s.due(400, 2 * MINUTE)).isEqualTo("count trigger");
    assertThat(s.fresh(400)).isEqualTo(400);
  }

  @Test
  void countOnlyRetriesAfterAFailureOnMoreRecords() {
    RetrainSchedule s = new RetrainSchedule(100, 0, 0, 0);
    s.failed(100, MINUTE);
    assertThat(s.due(150, 1000 * MINUTE)).isNull();
    assertThat(s.due(200, 1000 * MINUTE)).isEqualTo("count trigger");
  }

  @Test
  void refusesSettingsThatNeverRun() {
    assertThatThrownBy(() -> new RetrainSchedule(0, 0, 0, 0))
        .hasMessageContaining("--every or --every-minutes");
    assertThatThrownBy(() -> RetrainSchedule.validate(-1, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

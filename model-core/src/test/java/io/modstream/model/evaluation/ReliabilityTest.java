package io.modstream.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ReliabilityTest {

  @Test
  void binsHoldMeanScoreAndPositiveRateAndTheErrorIsTheirWeightedGap() {
    double[] scores = {0.05, 0.05, 0.05, 0.05, 0.95, 0.95, 0.95, 0.95};
    boolean[] truth = {false, false, false, true, true, true, true, false};
    Reliability r = Reliability.of(scores, truth, 10);
    assertThat(r.bins()).hasSize(2);
    assertThat(r.bins().get(0).meanScore()).isCloseTo(0.05, within(1e-12));
    assertThat(r.bins().get(0).positiveRate()).isEqualTo(0.25);
    assertThat(r.bins().get(1).positiveRate()).isEqualTo(0.75);
    // each half: |0.25 - 0.05| = 0.2
    assertThat(r.expectedCalibrationError()).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void perfectlyCalibratedScoresHaveNoError() {
    double[] scores = {0.5, 0.5, 1.0, 0.0};
    boolean[] truth = {true, false, true, false};
    assertThat(Reliability.of(scores, truth, 10).expectedCalibrationError())
        .isCloseTo(0, within(1e-12));
  }
}

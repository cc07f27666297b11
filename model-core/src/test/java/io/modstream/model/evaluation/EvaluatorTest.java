package io.modstream.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  @Test
  void rocAucMatchesPairCounting() {
    double[] s = {0.1, 0.4, 0.35, 0.8, 0.4};
    boolean[] t = {false, false, true, true, true};
    // positives {0.35, 0.8, 0.4} vs negatives {0.1, 0.4}: 0.35 wins 1, 0.8 wins 2, 0.4 wins 1 and
    // ties 1 (a half): 4.5 of 6 pairs
    assertThat(Evaluator.rocAuc(s, t)).isCloseTo(4.5 / 6, within(1e-12));
    assertThat(Evaluator.rocAuc(new double[] {0.1, 0.9}, new boolean[] {false, true}))
        .isEqualTo(1.0);
    assertThat(Evaluator.rocAuc(new double[] {0.9, 0.1}, new boolean[] {false, true}))
        .isEqualTo(0.0);
    assertThat(Evaluator.rocAuc(new double[] {0.5, 0.5}, new boolean[] {false, true}))
        .isEqualTo(0.5);
    assertThat(Evaluator.rocAuc(new double[] {0.5, 0.7}, new boolean[] {false, false})).isNaN();
  }

  @Test
  void averagePrecisionStepsAtEachPositive() {
    double[] s = {0.9, 0.8, 0.7, 0.6};
    boolean[] t = {true, false, true, false};
    // precision at the two positives: 1/1 and 2/3
    assertThat(Evaluator.averagePrecision(s, t)).isCloseTo((1.0 + 2.0 / 3) / 2, within(1e-12));
    assertThat(Evaluator.averagePrecision(s, new boolean[4])).isNaN();
  }

  @Test
  void bestF1ThresholdFlagsTheRightRows() {
    float[][] scores = {{0.9f}, {0.6f}, {0.55f}, {0.2f}, {0.1f}};
    boolean[][] truth = {{true}, {true}, {false}, {false}, {false}};
    double[] thresholds = Evaluator.bestF1Thresholds(scores, truth);
    assertThat(thresholds[0]).isEqualTo(0.6f);
    EvaluationReport report = Evaluator.evaluate(List.of("toxic"), scores, truth, thresholds);
    LabelMetrics m = report.label("toxic");
    assertThat(m.f1()).isEqualTo(1.0);
    assertThat(m.precision()).isEqualTo(1.0);
    assertThat(m.recall()).isEqualTo(1.0);
    assertThat(m.positives()).isEqualTo(2);
  }

  @Test
  void meanSkipsLabelsWithOneClassAndTheTableShowsEveryLabel() {
    float[][] scores = {{0.9f, 0.2f}, {0.1f, 0.3f}};
    boolean[][] truth = {{true, false}, {false, false}};
    EvaluationReport report =
        Evaluator.evaluate(List.of("toxic", "threat"), scores, truth, new double[] {0.5, 0.5});
    assertThat(report.label("threat").rocAuc()).isNaN();
    assertThat(report.meanRocAuc()).isEqualTo(1.0);
    assertThat(report.toTable()).contains("toxic").contains("threat").contains("mean");
  }
}

package io.modstream.trainer.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.LabelMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateTest {

  private static EvaluationReport report(double toxic, double threat) {
    return new EvaluationReport(
        List.of(
            new LabelMetrics("toxic", 10, 100, toxic, 0.5, 0.5, 0.5, 0.5, 0.5),
            new LabelMetrics("threat", 3, 100, threat, 0.1, 0.5, 0.5, 0.5, 0.5)),
        (toxic + threat) / 2,
        0.3,
        100);
  }

  private final Gate gate = new Gate(0.005, 0.02);

  @Test
  void aCandidateAsGoodOrSlightlyWorseWithinTheMarginsPasses() {
    assertThat(gate.reasons(report(0.95, 0.90), report(0.95, 0.90), List.of())).isEmpty();
    assertThat(gate.reasons(report(0.95, 0.90), report(0.948, 0.896), List.of())).isEmpty();
    assertThat(gate.reasons(report(0.95, 0.90), report(0.99, 0.95), List.of())).isEmpty();
  }

  @Test
  void aWorseMeanALabelDropOrAFailingCanaryRejects() {
    assertThat(gate.reasons(report(0.95, 0.90), report(0.94, 0.89), List.of()))
        .anyMatch(r -> r.startsWith("mean ROC-AUC"));
    assertThat(gate.reasons(report(0.95, 0.90), report(0.99, 0.87), List.of()))
        .containsExactly("threat ROC-AUC 0.8700 dropped from 0.9000 by more than 0.0200");
    assertThat(
            gate.reasons(
                report(0.95, 0.90),
                report(0.95, 0.90),
                List.of("\"x\" flagged [toxic], expected none")))
        .containsExactly("canary: \"x\" flagged [toxic], expected none");
    assertThatThrownBy(() -> new Gate(-1, 0)).hasMessageContaining(">= 0");
  }
}

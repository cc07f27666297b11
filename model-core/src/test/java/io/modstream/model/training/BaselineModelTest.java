package io.modstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.data.LabelledDataset;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.testing.TestData;
import org.junit.jupiter.api.Test;

class BaselineModelTest {

  @Test
  void theBaselineLearnsTheSampleWellAboveChance() {
    LabelledDataset.Split split = TestData.sample(2000).stratifiedSplit(0.25, 3);
    BaselineModel baseline = BaselineModel.train(split.train(), BaselineModel.Config.recipe());
    float[][] scores = baseline.score(split.validation().texts());
    double[] half = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    EvaluationReport report =
        Evaluator.evaluate(baseline.labels(), scores, split.validation().truth(), half);
    assertThat(baseline.features()).isGreaterThan(1000);
    assertThat(report.label("toxic").rocAuc()).isGreaterThan(0.85);
    assertThat(report.meanRocAuc()).isGreaterThan(0.8);
  }
}

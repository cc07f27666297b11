package io.modstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DecisionPolicyTest {

  private final ModelBundle bundle = TestData.tinyModel().bundle();

  @Test
  void aVerdictIsTheModelsScoresAndFlagsAndNamesTheModel() throws Exception {
    ModerationModel model = ModerationModel.of(bundle, 2, 64);
    List<String> texts = TestData.sample(120).texts();
    float[][] scores = model.score(texts);
    List<Verdict> verdicts = model.decide(texts);
    assertThat(verdicts).hasSize(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      Verdict v = verdicts.get(i);
      assertThat(v.modelName()).isEqualTo(bundle.info().name());
      assertThat(v.modelVersion()).isEqualTo(bundle.info().version());
      assertThat(v.flagged()).as("text %d", i).isEqualTo(model.flagged(scores[i]));
      assertThat(v.scoresByLabel().keySet()).containsExactlyElementsOf(bundle.info().labels());
      for (int j = 0; j < scores[i].length; j++) {
        assertThat(v.score(j)).isEqualTo(scores[i][j]);
        assertThat(v.scoresByLabel().get(bundle.info().labels().get(j)))
            .isEqualTo((double) scores[i][j]);
      }
    }
  }

  @Test
  void everyLabelAtOrAboveItsThresholdIsFlaggedInLabelOrder() {
    checkEverySubset(bundle.info());
  }

  @Test
  void manyLabelsAreFlaggedTheSameWay() {
    BundleInfo six = bundle.info();
    List<String> labels = IntStream.range(0, 12).mapToObj(j -> "label" + j).toList();
    List<Double> thresholds = IntStream.range(0, 12).mapToObj(j -> 0.3 + j * 0.05).toList();
    checkEverySubset(
        new BundleInfo(
            six.formatVersion(),
            six.name(),
            six.version(),
            labels,
            thresholds,
            six.tokenizerScheme(),
            six.maxLength(),
            six.provenance(),
            null));
  }

  @Test
  void withoutACalibrationTheNetworksProbabilityIsTheScore() {
    BundleInfo i = bundle.info();
    DecisionPolicy policy =
        DecisionPolicy.of(
            new BundleInfo(
                i.formatVersion(),
                i.name(),
                i.version(),
                i.labels(),
                i.thresholds(),
                i.tokenizerScheme(),
                i.maxLength(),
                i.provenance(),
                null));
    assertThat(policy.score(0, 0.25f, 3.0)).isEqualTo(0.25f);
    DecisionPolicy calibrated = DecisionPolicy.of(i);
    assertThat(calibrated.score(0, 0.25f, 3.0)).isEqualTo(i.calibration().apply(0, 0.25f, 3.0));
  }

  @Test
  void scoresOfAnotherLengthAreRefused() {
    DecisionPolicy policy = DecisionPolicy.of(bundle.info());
    assertThatThrownBy(() -> policy.flagged(new float[2]))
        .hasMessageContaining("2 scores for 6 labels");
  }

  /** For every subset of labels, scores just above their thresholds and just below the rest. */
  private static void checkEverySubset(BundleInfo info) {
    DecisionPolicy policy = DecisionPolicy.of(info);
    int n = info.labels().size();
    for (int mask = 0; mask < 1 << n; mask += n > 8 ? 37 : 1) {
      float[] scores = new float[n];
      List<String> expected = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        boolean on = (mask & 1 << j) != 0;
        double t = info.thresholds().get(j);
        scores[j] = on ? (float) t : Math.nextDown((float) t);
        if (on && scores[j] < t) {
          scores[j] = Math.nextUp(scores[j]);
        }
        if (on) {
          expected.add(info.labels().get(j));
        }
      }
      List<String> flagged = policy.flagged(scores);
      assertThat(flagged).as("mask %d", mask).containsExactlyElementsOf(expected);
      assertThat(policy.decide(scores).flagged()).isEqualTo(flagged);
    }
  }
}

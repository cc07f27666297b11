package io.modstream.trainer.retrain;

import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.LabelMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The release gate: a candidate passes only if, on the golden set, its mean ROC-AUC is not worse
 * than the champion's by more than {@code meanMargin}, no label's ROC-AUC drops by more than {@code
 * labelMargin}, and it scores every canary as expected.
 *
 * @param meanMargin the largest allowed drop of the mean ROC-AUC
 * @param labelMargin the largest allowed drop of any label's ROC-AUC
 */
public record Gate(double meanMargin, double labelMargin) {

  /** Validates. */
  public Gate {
    if (meanMargin < 0 || labelMargin < 0) {
      throw new IllegalArgumentException(
          "gate margins must be >= 0, got " + meanMargin + " and " + labelMargin);
    }
  }

  /**
   * Decides.
   *
   * @param champion the serving model's figures on the golden set
   * @param candidate the candidate's figures on the same rows
   * @param canaryFailures the candidate's failing canaries
   * @return the reasons for rejection; empty means release
   */
  public List<String> reasons(
      EvaluationReport champion, EvaluationReport candidate, List<String> canaryFailures) {
    List<String> reasons = new ArrayList<>();
    if (candidate.meanRocAuc() < champion.meanRocAuc() - meanMargin
        || Double.isNaN(candidate.meanRocAuc())) {
      reasons.add(
          String.format(
              Locale.ROOT,
              "mean ROC-AUC %.4f is below the champion's %.4f by more than %.4f",
              candidate.meanRocAuc(),
              champion.meanRocAuc(),
              meanMargin));
    }
    for (LabelMetrics c : candidate.labels()) {
      double before = champion.label(c.label()).rocAuc();
      if (!Double.isNaN(before)
          && (Double.isNaN(c.rocAuc()) || c.rocAuc() < before - labelMargin)) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s ROC-AUC %.4f dropped from %.4f by more than %.4f",
                c.label(),
                c.rocAuc(),
                before,
                labelMargin));
      }
    }
    for (String failure : canaryFailures) {
      reasons.add("canary: " + failure);
    }
    return reasons;
  }
}

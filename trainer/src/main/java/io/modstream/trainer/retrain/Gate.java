package io.modstream.trainer.retrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The release gate. On the base golden rows (never fitted on by any model), a candidate is rejected
 * if its mean ROC-AUC falls below the champion's by more than {@code meanMargin}, or a label's
 * ROC-AUC falls by more than {@code labelMargin} with a bootstrap interval wholly below 0. It is
 * released only on a difference the gate can see: a log-loss gain on the held-out feedback rows, or
 * a mean ROC-AUC gain on the base golden rows, whose bootstrap interval lies wholly above 0; and it
 * must not fail a canary the serving model passes.
 *
 * @param meanMargin the largest allowed drop of the base golden mean ROC-AUC
 * @param labelMargin the largest allowed drop of one label's base golden ROC-AUC, when significant
 * @param confidence the bootstrap intervals' coverage, in (0.5, 1)
 * @param resamples bootstrap resamples, at least 100
 */
public record Gate(double meanMargin, double labelMargin, double confidence, int resamples) {

  /** Validates. */
  public Gate {
    if (meanMargin < 0 || labelMargin < 0) {
      throw new IllegalArgumentException(
          "gate margins must be >= 0, got " + meanMargin + " and " + labelMargin);
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException("gate confidence must be in (0.5, 1), got " + confidence);
    }
    if (resamples < 100) {
      throw new IllegalArgumentException("gate resamples must be at least 100, got " + resamples);
    }
  }

  /**
   * A gate with 95% intervals from 1,000 resamples.
   *
   * @param meanMargin the largest allowed drop of the base golden mean ROC-AUC
   * @param labelMargin the largest allowed significant drop of one label's ROC-AUC
   */
  public Gate(double meanMargin, double labelMargin) {
    this(meanMargin, labelMargin, 0.95, 1_000);
  }

  /**
   * Decides.
   *
   * @param base both models on the base golden rows
   * @param feedback both models on the held-out feedback rows, or null when there are none
   * @param canaryFailures canaries the candidate fails and the serving model passes
   * @return the reasons for rejection; empty means release
   */
  public List<String> reasons(Comparison base, Comparison feedback, List<String> canaryFailures) {
    List<String> reasons = new ArrayList<>();
    Comparison.Interval mean = base.meanAucDifference();
    if (Double.isNaN(base.candidateMeanAuc()) || mean.value() < -meanMargin) {
      reasons.add(
          String.format(
              Locale.ROOT,
              "base golden mean ROC-AUC %.4f is below the champion's %.4f by more than %.4f"
                  + " (difference %s)",
              base.candidateMeanAuc(),
              base.championMeanAuc(),
              meanMargin,
              format(mean)));
    }
    for (Comparison.Label l : base.labels()) {
      if (l.difference().value() < -labelMargin && l.difference().below0()) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "%s base golden ROC-AUC %.4f dropped from %.4f by more than %.4f (difference %s)",
                l.label(),
                l.candidate(),
                l.champion(),
                labelMargin,
                format(l.difference())));
      }
    }
    boolean feedbackGain = feedback != null && feedback.logLossGain().above0();
    if (!feedbackGain && !mean.above0()) {
      reasons.add(
          "no difference the gate can see: "
              + (feedback == null
                  ? "no held-out feedback"
                  : "held-out feedback log-loss gain " + format(feedback.logLossGain()))
              + ", base golden mean ROC-AUC difference "
              + format(mean));
    }
    for (String failure : canaryFailures) {
      reasons.add("canary: " + failure);
    }
    return reasons;
  }

  /**
   * Formats an interval as {@code +0.0123 [+0.0040, +0.0210]}.
   *
   * @param i the interval
   * @return the text
   */
  static String format(Comparison.Interval i) {
    return String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", i.value(), i.low(), i.high());
  }
}

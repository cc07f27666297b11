package io.modstream.trainer.retrain;

import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.SubgroupBias;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The release gate. On the base golden rows (never fitted on by any model), a candidate is rejected
 * if its mean ROC-AUC falls below the champion's by more than {@code meanMargin}, or a label's
 * ROC-AUC falls by more than {@code labelMargin} with a bootstrap interval wholly below 0, or its
 * worst identity-subgroup figure ({@link BiasReport#worst()}: subgroup, BPSN or BNSP AUC over the
 * subgroups with enough comments) falls below the champion's worst by more than {@code biasMargin}
 * and, where the rows are at hand, that figure's bootstrap interval lies wholly below 0. It is
 * released only on a difference the gate can see: a log-loss gain on the held-out feedback rows, or
 * a mean ROC-AUC gain on the base golden rows, whose bootstrap interval lies wholly above 0; and it
 * must not fail a canary the serving model passes.
 *
 * @param meanMargin the largest allowed drop of the base golden mean ROC-AUC
 * @param labelMargin the largest allowed drop of one label's base golden ROC-AUC, when significant
 * @param confidence the bootstrap intervals' coverage, in (0.5, 1)
 * @param resamples bootstrap resamples, at least 100
 * @param biasMargin the largest allowed drop of the worst base golden identity-subgroup figure
 * @param bias how the subgroup figures are measured (term list, label, fewest comments per class)
 */
public record Gate(
    double meanMargin,
    double labelMargin,
    double confidence,
    int resamples,
    double biasMargin,
    SubgroupBias bias) {

  /** The default largest drop of the worst identity-subgroup figure. */
  public static final double DEFAULT_BIAS_MARGIN = 0.02;

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
    if (!(biasMargin >= 0)) {
      throw new IllegalArgumentException(
          "gate bias margin must be >= 0 (0: any drop of the worst subgroup figure rejects), got "
              + biasMargin);
    }
    if (bias == null) {
      throw new IllegalArgumentException(
          "gate bias settings are required; use SubgroupBias.defaults()");
    }
  }

  /**
   * A gate with the default bias check ({@value #DEFAULT_BIAS_MARGIN}, {@link
   * SubgroupBias#defaults()}).
   *
   * @param meanMargin the largest allowed drop of the base golden mean ROC-AUC
   * @param labelMargin the largest allowed significant drop of one label's ROC-AUC
   * @param confidence the bootstrap intervals' coverage
   * @param resamples bootstrap resamples
   */
  public Gate(double meanMargin, double labelMargin, double confidence, int resamples) {
    this(
        meanMargin,
        labelMargin,
        confidence,
        resamples,
        DEFAULT_BIAS_MARGIN,
        SubgroupBias.defaults());
  }

  /**
   * A gate with 95% intervals from 1,000 resamples and the default bias check.
   *
   * @param meanMargin the largest allowed drop of the base golden mean ROC-AUC
   * @param labelMargin the largest allowed significant drop of one label's ROC-AUC
   */
  public Gate(double meanMargin, double labelMargin) {
    this(meanMargin, labelMargin, 0.95, 1_000);
  }

  /**
   * Returns this gate with another bias check.
   *
   * @param margin the largest allowed drop of the worst identity-subgroup figure
   * @param settings how the figures are measured
   * @return the gate
   */
  public Gate withBias(double margin, SubgroupBias settings) {
    return new Gate(meanMargin, labelMargin, confidence, resamples, margin, settings);
  }

  /**
   * Decides without a bias check.
   *
   * @param base both models on the base golden rows
   * @param feedback both models on the held-out feedback rows, or null when there are none
   * @param canaryFailures canaries the candidate fails and the serving model passes
   * @return the reasons for rejection; empty means release
   */
  public List<String> reasons(Comparison base, Comparison feedback, List<String> canaryFailures) {
    return reasons(base, feedback, canaryFailures, null, null, null);
  }

  /**
   * Decides.
   *
   * @param base both models on the base golden rows
   * @param feedback both models on the held-out feedback rows, or null when there are none
   * @param canaryFailures canaries the candidate fails and the serving model passes
   * @param championBias the champion's subgroup figures on the base golden rows, or null to skip
   *     the bias check (a model without the bias label)
   * @param candidateBias the candidate's, on the same rows
   * @param worstDifference the candidate's worst figure minus the champion's same figure, with its
   *     paired bootstrap interval; a drop past the margin rejects only when the interval lies
   *     wholly below 0. Null: the margin alone decides.
   * @return the reasons for rejection; empty means release
   */
  public List<String> reasons(
      Comparison base,
      Comparison feedback,
      List<String> canaryFailures,
      BiasReport championBias,
      BiasReport candidateBias,
      SubgroupBias.Difference worstDifference) {
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
    String biasReason = biasReason(championBias, candidateBias, worstDifference);
    if (biasReason != null) {
      reasons.add(biasReason);
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
   * Returns why the candidate's worst subgroup figure rejects it, or null. Subgroups with too few
   * comments have no figure in either report (the counts come from the rows, not the models), so
   * both worst figures range over the same subgroups.
   */
  private String biasReason(
      BiasReport champion, BiasReport candidate, SubgroupBias.Difference difference) {
    if (champion == null || candidate == null || difference != null && !(difference.high() < 0)) {
      return null; // no figures, or a drop the golden rows cannot tell from resampling noise
    }
    Optional<BiasReport.Worst> was = champion.worst();
    Optional<BiasReport.Worst> is = candidate.worst();
    if (was.isEmpty() || is.isEmpty() || is.get().value() >= was.get().value() - biasMargin) {
      return null;
    }
    BiasReport.Worst c = is.get();
    BiasReport.Worst a = was.get();
    return String.format(
        Locale.ROOT,
        "bias: %s base golden %s %s %.4f (champion %.4f%s), the candidate's worst"
            + " identity-subgroup figure, is below the champion's worst (%s %s %.4f) by more than"
            + " %.4f",
        candidate.label(),
        c.subgroup(),
        c.metric().title(),
        c.value(),
        champion.subgroup(c.subgroup()).value(c.metric()),
        difference == null
            ? ""
            : String.format(
                Locale.ROOT,
                "; difference %+.4f [%+.4f, %+.4f]",
                difference.value(),
                difference.low(),
                difference.high()),
        a.subgroup(),
        a.metric().title(),
        a.value(),
        biasMargin);
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

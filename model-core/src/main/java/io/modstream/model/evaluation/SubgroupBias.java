package io.modstream.model.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * How unintended bias is measured: which identity terms find the subgroups, which label the figures
 * are for, and how many comments of each class a figure needs. {@link #evaluate} computes, per
 * subgroup, the subgroup AUC, BPSN AUC and BNSP AUC of Borkan et al. 2019 into a {@link
 * BiasReport}. A figure is left out ("too few", NaN) when its rows hold fewer than {@code
 * minPerClass} positives or negatives: the subgroup's positives and negatives for the subgroup AUC,
 * its negatives and the background's positives for BPSN, its positives and the background's
 * negatives for BNSP.
 *
 * @param terms the identity term list
 * @param minPerClass the fewest comments of each class a figure needs, at least 1
 * @param label the label measured
 */
public record SubgroupBias(IdentityTerms terms, int minPerClass, String label) {

  /** The default fewest comments of each class per figure. */
  public static final int DEFAULT_MIN_PER_CLASS = 10;

  /** The default label: the Jigsaw bias work measured toxicity. */
  public static final String DEFAULT_LABEL = "toxic";

  /** Validates. */
  public SubgroupBias {
    if (terms == null) {
      throw new IllegalArgumentException(
          "identity terms are required; use IdentityTerms.defaults()");
    }
    if (minPerClass < 1) {
      throw new IllegalArgumentException(
          "the fewest comments of each class per bias figure must be at least 1 (an AUC needs a"
              + " positive and a negative), got "
              + minPerClass);
    }
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("the bias label must be a label name, e.g. toxic");
    }
  }

  /**
   * The bundled term list, {@value #DEFAULT_MIN_PER_CLASS} comments of each class, label {@value
   * #DEFAULT_LABEL}.
   *
   * @return the settings
   */
  public static SubgroupBias defaults() {
    return new SubgroupBias(IdentityTerms.defaults(), DEFAULT_MIN_PER_CLASS, DEFAULT_LABEL);
  }

  /**
   * Returns whether a model with these labels can be measured.
   *
   * @param labels the model's labels
   * @return true if they include {@link #label()}
   */
  public boolean appliesTo(List<String> labels) {
    return labels.contains(label);
  }

  /**
   * Computes the figures of one model on labelled comments.
   *
   * @param labels the label names, in column order
   * @param texts the comments
   * @param scores {@code [texts][labels]} the model's scores
   * @param truth {@code [texts][labels]} true flags
   * @return the report for {@link #label()}
   * @throws IllegalArgumentException if the labels lack {@link #label()} or shapes differ
   */
  public BiasReport evaluate(
      List<String> labels, List<String> texts, float[][] scores, boolean[][] truth) {
    int j = labels.indexOf(label);
    if (j < 0) {
      throw new IllegalArgumentException(
          "bias is measured on label '"
              + label
              + "', which "
              + labels
              + " lacks; pick one of them");
    }
    if (scores.length != texts.size() || truth.length != texts.size()) {
      throw new IllegalArgumentException(
          texts.size()
              + " texts, "
              + scores.length
              + " score rows, "
              + truth.length
              + " truth rows");
    }
    double[] s = new double[texts.size()];
    boolean[] t = new boolean[texts.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = scores[i][j];
      t[i] = truth[i][j];
    }
    return evaluate(terms.mentions(texts), s, t);
  }

  /** The figures from each row's subgroup mentions, score and truth. */
  BiasReport evaluate(boolean[][] mentions, double[] scores, boolean[] truth) {
    List<String> names = terms.names();
    int positives = 0;
    for (boolean t : truth) {
      positives += t ? 1 : 0;
    }
    int negatives = truth.length - positives;
    List<SubgroupMetrics> out = new ArrayList<>(names.size());
    for (int g = 0; g < names.size(); g++) {
      boolean[] in = new boolean[truth.length];
      int mentioned = 0;
      int inPositives = 0;
      for (int i = 0; i < truth.length; i++) {
        in[i] = mentions[i][g];
        mentioned += in[i] ? 1 : 0;
        inPositives += in[i] && truth[i] ? 1 : 0;
      }
      int inNegatives = mentioned - inPositives;
      int outPositives = positives - inPositives;
      int outNegatives = negatives - inNegatives;
      double subgroup =
          enough(inPositives, inNegatives) ? auc(scores, truth, i -> in[i]) : Double.NaN;
      double bpsn =
          enough(outPositives, inNegatives)
              ? auc(scores, truth, i -> in[i] != truth[i])
              : Double.NaN;
      double bnsp =
          enough(inPositives, outNegatives)
              ? auc(scores, truth, i -> in[i] == truth[i])
              : Double.NaN;
      out.add(new SubgroupMetrics(names.get(g), mentioned, inPositives, subgroup, bpsn, bnsp));
    }
    return new BiasReport(
        label, minPerClass, truth.length, positives, Evaluator.rocAuc(scores, truth), out);
  }

  private boolean enough(int positives, int negatives) {
    return positives >= minPerClass && negatives >= minPerClass;
  }

  /** ROC-AUC on the rows {@code keep} selects. */
  private static double auc(double[] scores, boolean[] truth, IntPredicate keep) {
    int n = 0;
    for (int i = 0; i < truth.length; i++) {
      n += keep.test(i) ? 1 : 0;
    }
    double[] s = new double[n];
    boolean[] t = new boolean[n];
    int k = 0;
    for (int i = 0; i < truth.length; i++) {
      if (keep.test(i)) {
        s[k] = scores[i];
        t[k++] = truth[i];
      }
    }
    return Evaluator.rocAuc(s, t);
  }
}

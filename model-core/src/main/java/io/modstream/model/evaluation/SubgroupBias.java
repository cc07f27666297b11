package io.modstream.model.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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

  /**
   * The difference candidate minus champion of one figure, with a paired bootstrap interval: the
   * rows are resampled with replacement, both models scored on the same resample. A resample whose
   * rows hold too few comments of a class for the figure is drawn again as not counted.
   *
   * @param value the difference on the rows themselves
   * @param low the interval's lower end
   * @param high the interval's upper end
   */
  public record Difference(double value, double low, double high) {}

  /**
   * Measures how one subgroup figure differs between two models on the same rows.
   *
   * @param labels the label names, in column order
   * @param texts the comments
   * @param champion {@code [texts][labels]} the first model's scores
   * @param candidate {@code [texts][labels]} the second model's scores
   * @param truth {@code [texts][labels]} true flags
   * @param subgroup the subgroup's name
   * @param metric the figure
   * @param resamples bootstrap resamples, at least 1
   * @param confidence the interval's coverage, in (0, 1)
   * @param seed the resampling seed
   * @return the difference and its interval (NaN where the rows cannot give the figure)
   */
  public Difference difference(
      List<String> labels,
      List<String> texts,
      float[][] champion,
      float[][] candidate,
      boolean[][] truth,
      String subgroup,
      BiasReport.Metric metric,
      int resamples,
      double confidence,
      long seed) {
    int j = labels.indexOf(label);
    int g = terms.names().indexOf(subgroup);
    if (j < 0 || g < 0) {
      throw new IllegalArgumentException(
          "no label '" + label + "' in " + labels + " or no subgroup '" + subgroup + "'");
    }
    int n = texts.size();
    boolean[][] mentions = terms.mentions(texts);
    double[] a = new double[n];
    double[] c = new double[n];
    boolean[] t = new boolean[n];
    boolean[] in = new boolean[n];
    for (int i = 0; i < n; i++) {
      a[i] = champion[i][j];
      c[i] = candidate[i][j];
      t[i] = truth[i][j];
      in[i] = mentions[i][g];
    }
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    double value = figure(c, t, in, all, metric) - figure(a, t, in, all, metric);
    double[] diffs = new double[resamples];
    int kept = 0;
    SplittableRandom random = new SplittableRandom(seed);
    int[] sample = new int[n];
    for (int b = 0; b < resamples && n > 0; b++) {
      for (int i = 0; i < n; i++) {
        sample[i] = random.nextInt(n);
      }
      double d = figure(c, t, in, sample, metric) - figure(a, t, in, sample, metric);
      if (!Double.isNaN(d)) {
        diffs[kept++] = d;
      }
    }
    if (kept == 0) {
      return new Difference(value, Double.NaN, Double.NaN);
    }
    Arrays.sort(diffs, 0, kept);
    double tail = (1 - confidence) / 2;
    return new Difference(
        value,
        diffs[(int) Math.floor(tail * (kept - 1))],
        diffs[(int) Math.ceil((1 - tail) * (kept - 1))]);
  }

  /** One figure on the rows {@code sample} names (repeats allowed), or NaN with too few. */
  private double figure(
      double[] scores, boolean[] truth, boolean[] in, int[] sample, BiasReport.Metric metric) {
    double[] s = new double[sample.length];
    boolean[] t = new boolean[sample.length];
    boolean[] g = new boolean[sample.length];
    int inPositives = 0;
    int inNegatives = 0;
    int outPositives = 0;
    int outNegatives = 0;
    for (int k = 0; k < sample.length; k++) {
      int i = sample[k];
      s[k] = scores[i];
      t[k] = truth[i];
      g[k] = in[i];
      if (g[k]) {
        inPositives += t[k] ? 1 : 0;
        inNegatives += t[k] ? 0 : 1;
      } else {
        outPositives += t[k] ? 1 : 0;
        outNegatives += t[k] ? 0 : 1;
      }
    }
    return switch (metric) {
      case SUBGROUP_AUC -> enough(inPositives, inNegatives) ? auc(s, t, k -> g[k]) : Double.NaN;
      case BPSN -> enough(outPositives, inNegatives) ? auc(s, t, k -> g[k] != t[k]) : Double.NaN;
      case BNSP -> enough(inPositives, outNegatives) ? auc(s, t, k -> g[k] == t[k]) : Double.NaN;
    };
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

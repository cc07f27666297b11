package io.modstream.trainer.retrain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.evaluation.Evaluator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The champion and a candidate on the same held-out rows, with paired bootstrap confidence
 * intervals of their differences: rows are resampled with replacement, both models scored on each
 * resample, and the interval is the central {@code confidence} share of the differences. Each
 * label's figures use only the rows where it was judged. Immutable.
 *
 * @param set the rows' name
 * @param rows the number of rows
 * @param labels per-label figures (labels with both classes only)
 * @param championMeanAuc the champion's mean ROC-AUC over those labels
 * @param candidateMeanAuc the candidate's
 * @param meanAucDifference candidate minus champion mean ROC-AUC, with its interval
 * @param championLogLoss the champion's mean log-loss per judged value
 * @param candidateLogLoss the candidate's
 * @param logLossGain champion minus candidate log-loss (positive: the candidate is better)
 */
public record Comparison(
    String set,
    int rows,
    List<Label> labels,
    double championMeanAuc,
    double candidateMeanAuc,
    Interval meanAucDifference,
    double championLogLoss,
    double candidateLogLoss,
    Interval logLossGain) {

  private static final double EPSILON = 1e-6;

  /** Copies. */
  public Comparison {
    labels = List.copyOf(labels);
  }

  /**
   * A point estimate with its bootstrap interval.
   *
   * @param value the estimate on the rows themselves
   * @param low the interval's lower end
   * @param high the interval's upper end
   */
  public record Interval(double value, double low, double high) {

    /**
     * Returns whether the whole interval lies above 0.
     *
     * @return true for a difference the rows can see
     */
    public boolean above0() {
      return low > 0;
    }

    /**
     * Returns whether the whole interval lies below 0.
     *
     * @return true for a drop the rows can see
     */
    public boolean below0() {
      return high < 0;
    }
  }

  /**
   * One label's figures.
   *
   * @param label the label
   * @param positives judged positives
   * @param judged judged rows
   * @param champion the champion's ROC-AUC
   * @param candidate the candidate's ROC-AUC
   * @param difference candidate minus champion, with its interval
   */
  public record Label(
      String label,
      int positives,
      int judged,
      double champion,
      double candidate,
      Interval difference) {}

  /**
   * Compares two models' scores.
   *
   * @param set the rows' name
   * @param labelNames the labels, in column order
   * @param champion {@code [rows][labels]} the champion's scores
   * @param candidate the candidate's
   * @param truth {@code [rows][labels]}
   * @param judged {@code [rows][labels]} whether each value is known
   * @param resamples bootstrap resamples
   * @param confidence the interval's coverage, e.g. 0.95
   * @param seed the resampling seed
   * @return the comparison
   */
  public static Comparison of(
      String set,
      List<String> labelNames,
      float[][] champion,
      float[][] candidate,
      boolean[][] truth,
      boolean[][] judged,
      int resamples,
      double confidence,
      long seed) {
    int n = truth.length;
    int nLabels = labelNames.size();
    int[] identity = new int[n];
    Arrays.setAll(identity, i -> i);
    double[] championAuc = aucs(champion, truth, judged, identity, nLabels);
    double[] candidateAuc = aucs(candidate, truth, judged, identity, nLabels);
    double[] championLoss = rowLoss(champion, truth, judged);
    double[] candidateLoss = rowLoss(candidate, truth, judged);

    double[][] labelDiffs = new double[nLabels][resamples];
    double[] meanDiffs = new double[resamples];
    double[] lossGains = new double[resamples];
    SplittableRandom random = new SplittableRandom(seed);
    int[] sample = new int[n];
    for (int b = 0; b < resamples && n > 0; b++) {
      for (int i = 0; i < n; i++) {
        sample[i] = random.nextInt(n);
      }
      double[] a = aucs(champion, truth, judged, sample, nLabels);
      double[] c = aucs(candidate, truth, judged, sample, nLabels);
      for (int j = 0; j < nLabels; j++) {
        labelDiffs[j][b] = c[j] - a[j];
      }
      meanDiffs[b] = mean(c, championAuc) - mean(a, championAuc);
      lossGains[b] = meanOver(championLoss, sample) - meanOver(candidateLoss, sample);
    }
    List<Label> labels = new ArrayList<>();
    for (int j = 0; j < nLabels; j++) {
      if (Double.isNaN(championAuc[j])) {
        continue; // one class only on these rows: nothing to rank
      }
      int positives = 0;
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (judged[i][j]) {
          count++;
          positives += truth[i][j] ? 1 : 0;
        }
      }
      labels.add(
          new Label(
              labelNames.get(j),
              positives,
              count,
              championAuc[j],
              candidateAuc[j],
              interval(candidateAuc[j] - championAuc[j], labelDiffs[j], confidence)));
    }
    double championMean = mean(championAuc, championAuc);
    double candidateMean = mean(candidateAuc, championAuc);
    double championLossMean = meanOver(championLoss, identity);
    double candidateLossMean = meanOver(candidateLoss, identity);
    return new Comparison(
        set,
        n,
        labels,
        championMean,
        candidateMean,
        interval(candidateMean - championMean, meanDiffs, confidence),
        championLossMean,
        candidateLossMean,
        interval(championLossMean - candidateLossMean, lossGains, confidence));
  }

  /**
   * Returns the figures as JSON, for the decision record.
   *
   * @return the node
   */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("rows", rows);
    n.put("champion_mean_roc_auc", championMeanAuc);
    n.put("candidate_mean_roc_auc", candidateMeanAuc);
    n.set("mean_roc_auc_difference", json(meanAucDifference));
    n.put("champion_log_loss", championLogLoss);
    n.put("candidate_log_loss", candidateLogLoss);
    n.set("log_loss_gain", json(logLossGain));
    ObjectNode per = n.putObject("labels");
    for (Label l : labels) {
      ObjectNode o = per.putObject(l.label());
      o.put("positives", l.positives());
      o.put("judged", l.judged());
      o.put("champion_roc_auc", l.champion());
      o.put("candidate_roc_auc", l.candidate());
      o.set("difference", json(l.difference()));
    }
    return n;
  }

  private static ObjectNode json(Interval i) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("value", i.value());
    n.put("low", i.low());
    n.put("high", i.high());
    return n;
  }

  private static Interval interval(double value, double[] samples, double confidence) {
    double[] finite = Arrays.stream(samples).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (finite.length == 0 || Double.isNaN(value)) {
      return new Interval(value, Double.NaN, Double.NaN);
    }
    double tail = (1 - confidence) / 2;
    int lo = (int) Math.floor(tail * (finite.length - 1));
    int hi = (int) Math.ceil((1 - tail) * (finite.length - 1));
    return new Interval(value, finite[lo], finite[hi]);
  }

  /** Mean over the labels that have both classes on the full rows (the same labels every time). */
  private static double mean(double[] auc, double[] reference) {
    double sum = 0;
    int counted = 0;
    for (int j = 0; j < auc.length; j++) {
      if (!Double.isNaN(reference[j]) && !Double.isNaN(auc[j])) {
        sum += auc[j];
        counted++;
      }
    }
    return counted == 0 ? Double.NaN : sum / counted;
  }

  private static double[] aucs(
      float[][] scores, boolean[][] truth, boolean[][] judged, int[] rows, int nLabels) {
    double[] auc = new double[nLabels];
    for (int j = 0; j < nLabels; j++) {
      double[] s = new double[rows.length];
      boolean[] t = new boolean[rows.length];
      int k = 0;
      for (int i : rows) {
        if (judged[i][j]) {
          s[k] = scores[i][j];
          t[k++] = truth[i][j];
        }
      }
      auc[j] = Evaluator.rocAuc(Arrays.copyOf(s, k), Arrays.copyOf(t, k));
    }
    return auc;
  }

  /** Each row's mean binary cross-entropy over its judged values (NaN: nothing judged). */
  private static double[] rowLoss(float[][] scores, boolean[][] truth, boolean[][] judged) {
    double[] loss = new double[truth.length];
    for (int i = 0; i < truth.length; i++) {
      double sum = 0;
      int count = 0;
      for (int j = 0; j < truth[i].length; j++) {
        if (judged[i][j]) {
          double p = Math.min(1 - EPSILON, Math.max(EPSILON, scores[i][j]));
          sum -= Math.log(truth[i][j] ? p : 1 - p);
          count++;
        }
      }
      loss[i] = count == 0 ? Double.NaN : sum / count;
    }
    return loss;
  }

  private static double meanOver(double[] values, int[] rows) {
    double sum = 0;
    int count = 0;
    for (int i : rows) {
      if (!Double.isNaN(values[i])) {
        sum += values[i];
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }
}

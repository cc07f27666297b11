package io.modstream.model.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Ranking and threshold metrics for multilabel scores: ROC-AUC (Mann-Whitney, ties share their
 * average rank), PR-AUC (average precision, ties grouped), and precision, recall and F1 at a
 * threshold (a score at or above it flags the label). Stateless.
 */
public final class Evaluator {

  private Evaluator() {}

  /**
   * Evaluates scores against the truth.
   *
   * @param labels the label names
   * @param scores {@code [rows][labels]} scores in [0, 1]
   * @param truth {@code [rows][labels]} true flags
   * @param thresholds one decision threshold per label
   * @return the report
   */
  public static EvaluationReport evaluate(
      List<String> labels, float[][] scores, boolean[][] truth, double[] thresholds) {
    return evaluate(labels, scores, truth, null, thresholds);
  }

  /**
   * Computes the report over judged values only: each label's figures come from the rows where that
   * label was judged (partial verdicts), so a label nobody judged is never read as 0.
   *
   * @param labels label names
   * @param scores {@code [rows][labels]} scores in [0, 1]
   * @param truth {@code [rows][labels]} true flags
   * @param judged {@code [rows][labels]} whether each value is known, or null when all are
   * @param thresholds one decision threshold per label
   * @return the report; {@link EvaluationReport#rows()} counts every row
   */
  public static EvaluationReport evaluate(
      List<String> labels,
      float[][] scores,
      boolean[][] truth,
      boolean[][] judged,
      double[] thresholds) {
    checkShapes(labels, scores, truth);
    if (thresholds.length != labels.size()) {
      throw new IllegalArgumentException(
          thresholds.length + " thresholds for " + labels.size() + " labels");
    }
    List<LabelMetrics> metrics = new ArrayList<>(labels.size());
    double rocSum = 0;
    double prSum = 0;
    int rocN = 0;
    int prN = 0;
    for (int j = 0; j < labels.size(); j++) {
      int[] rows = judgedRows(judged, j, scores.length);
      double[] s = column(scores, j, rows);
      boolean[] t = column(truth, j, rows);
      double roc = rocAuc(s, t);
      double pr = averagePrecision(s, t);
      int tp = 0;
      int fp = 0;
      int positives = 0;
      for (int i = 0; i < s.length; i++) {
        boolean flagged = s[i] >= thresholds[j];
        positives += t[i] ? 1 : 0;
        tp += flagged && t[i] ? 1 : 0;
        fp += flagged && !t[i] ? 1 : 0;
      }
      double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
      double recall = positives == 0 ? 0 : (double) tp / positives;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      metrics.add(
          new LabelMetrics(
              labels.get(j), positives, s.length, roc, pr, thresholds[j], precision, recall, f1));
      if (!Double.isNaN(roc)) {
        rocSum += roc;
        rocN++;
      }
      if (!Double.isNaN(pr)) {
        prSum += pr;
        prN++;
      }
    }
    return new EvaluationReport(
        metrics,
        rocN == 0 ? Double.NaN : rocSum / rocN,
        prN == 0 ? Double.NaN : prSum / prN,
        scores.length);
  }

  /**
   * Picks, per label, the threshold with the best F1 on these rows (0.5 for a label with no
   * positives).
   *
   * @param scores {@code [rows][labels]} scores
   * @param truth {@code [rows][labels]} true flags
   * @return one threshold per label
   */
  public static double[] bestF1Thresholds(float[][] scores, boolean[][] truth) {
    return bestF1Thresholds(scores, truth, null);
  }

  /**
   * Picks, per label, the threshold with the best F1 on the rows where that label was judged.
   *
   * @param scores {@code [rows][labels]} scores
   * @param truth {@code [rows][labels]} true flags
   * @param judged {@code [rows][labels]} whether each value is known, or null when all are
   * @return one threshold per label
   */
  public static double[] bestF1Thresholds(float[][] scores, boolean[][] truth, boolean[][] judged) {
    int nLabels = scores.length == 0 ? 0 : scores[0].length;
    double[] thresholds = new double[nLabels];
    for (int j = 0; j < nLabels; j++) {
      int[] rows = judgedRows(judged, j, scores.length);
      thresholds[j] = bestF1Threshold(column(scores, j, rows), column(truth, j, rows));
    }
    return thresholds;
  }

  static double bestF1Threshold(double[] scores, boolean[] truth) {
    Integer[] order = descending(scores);
    int positives = 0;
    for (boolean t : truth) {
      positives += t ? 1 : 0;
    }
    if (positives == 0) {
      return 0.5;
    }
    double best = -1;
    double threshold = 0.5;
    int tp = 0;
    int flagged = 0;
    for (int k = 0; k < order.length; ) {
      double value = scores[order[k]];
      // Every row with this score is flagged together.
      while (k < order.length && scores[order[k]] == value) {
        tp += truth[order[k]] ? 1 : 0;
        flagged++;
        k++;
      }
      double f1 = 2.0 * tp / (flagged + positives);
      if (f1 > best) {
        best = f1;
        threshold = value;
      }
    }
    return threshold;
  }

  /**
   * Computes ROC-AUC as the probability that a random positive outscores a random negative, ties
   * counting one half.
   *
   * @param scores the scores
   * @param truth the true flags
   * @return the AUC, or NaN if only one class is present
   */
  public static double rocAuc(double[] scores, boolean[] truth) {
    Integer[] order = ascending(scores);
    long positives = 0;
    double positiveRankSum = 0;
    for (int k = 0; k < order.length; ) {
      int start = k;
      double value = scores[order[k]];
      while (k < order.length && scores[order[k]] == value) {
        k++;
      }
      double averageRank = (start + 1 + k) / 2.0;
      for (int m = start; m < k; m++) {
        if (truth[order[m]]) {
          positives++;
          positiveRankSum += averageRank;
        }
      }
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * Computes average precision: the mean of the precision at each recall step, tied scores taken as
   * one step.
   *
   * @param scores the scores
   * @param truth the true flags
   * @return the PR-AUC, or NaN without positives
   */
  public static double averagePrecision(double[] scores, boolean[] truth) {
    Integer[] order = descending(scores);
    int positives = 0;
    for (boolean t : truth) {
      positives += t ? 1 : 0;
    }
    if (positives == 0) {
      return Double.NaN;
    }
    double ap = 0;
    int tp = 0;
    int seen = 0;
    for (int k = 0; k < order.length; ) {
      double value = scores[order[k]];
      int newTp = 0;
      while (k < order.length && scores[order[k]] == value) {
        newTp += truth[order[k]] ? 1 : 0;
        seen++;
        k++;
      }
      tp += newTp;
      ap += ((double) newTp / positives) * ((double) tp / seen);
    }
    return ap;
  }

  private static void checkShapes(List<String> labels, float[][] scores, boolean[][] truth) {
    if (scores.length != truth.length) {
      throw new IllegalArgumentException(
          scores.length + " score rows for " + truth.length + " truth rows");
    }
    for (int i = 0; i < scores.length; i++) {
      if (scores[i].length != labels.size() || truth[i].length != labels.size()) {
        throw new IllegalArgumentException(
            "row " + i + " does not have " + labels.size() + " labels");
      }
    }
  }

  /** The rows where label {@code j} was judged; every row when {@code judged} is null. */
  private static int[] judgedRows(boolean[][] judged, int j, int n) {
    if (judged == null) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    if (judged.length != n) {
      throw new IllegalArgumentException(judged.length + " judged rows for " + n + " score rows");
    }
    return IntStream.range(0, n).filter(i -> judged[i][j]).toArray();
  }

  private static double[] column(float[][] m, int j, int[] rows) {
    double[] c = new double[rows.length];
    for (int k = 0; k < rows.length; k++) {
      c[k] = m[rows[k]][j];
    }
    return c;
  }

  private static boolean[] column(boolean[][] m, int j, int[] rows) {
    boolean[] c = new boolean[rows.length];
    for (int k = 0; k < rows.length; k++) {
      c[k] = m[rows[k]][j];
    }
    return c;
  }

  private static Integer[] ascending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    return order;
  }

  private static Integer[] descending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    return order;
  }
}

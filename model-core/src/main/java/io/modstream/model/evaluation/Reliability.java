package io.modstream.model.evaluation;

import java.util.ArrayList;
import java.util.List;

/**
 * How well scores read as probabilities: scores are grouped into equal-width bins and each bin's
 * mean score is set against the share of positives in it. The expected calibration error is the
 * row-weighted mean gap. Immutable.
 *
 * @param bins the non-empty bins, in score order
 * @param expectedCalibrationError sum over bins of {@code rows/total * |positiveRate - meanScore|}
 * @param rows the rows scored
 */
public record Reliability(List<Bin> bins, double expectedCalibrationError, int rows) {

  /** The default bin count. */
  public static final int DEFAULT_BINS = 10;

  /** Copies the bins. */
  public Reliability {
    bins = List.copyOf(bins);
  }

  /**
   * One bin.
   *
   * @param lower the bin's lower score bound
   * @param upper the bin's upper score bound
   * @param meanScore the mean score of its rows
   * @param positiveRate the share of its rows that are positive
   * @param rows how many rows fell in it
   */
  public record Bin(double lower, double upper, double meanScore, double positiveRate, int rows) {}

  /**
   * Measures one label's scores.
   *
   * @param scores scores in [0, 1]
   * @param truth the labels
   * @param binCount the number of equal-width bins, at least 1
   * @return the reliability
   */
  public static Reliability of(double[] scores, boolean[] truth, int binCount) {
    if (scores.length != truth.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + truth.length + " truth values");
    }
    if (binCount < 1) {
      throw new IllegalArgumentException("binCount must be at least 1, got " + binCount);
    }
    double[] sum = new double[binCount];
    int[] positives = new int[binCount];
    int[] counts = new int[binCount];
    for (int i = 0; i < scores.length; i++) {
      int b = Math.min(binCount - 1, Math.max(0, (int) (scores[i] * binCount)));
      sum[b] += scores[i];
      counts[b]++;
      positives[b] += truth[i] ? 1 : 0;
    }
    List<Bin> bins = new ArrayList<>();
    double ece = 0;
    for (int b = 0; b < binCount; b++) {
      if (counts[b] > 0) {
        double mean = sum[b] / counts[b];
        double rate = positives[b] / (double) counts[b];
        bins.add(
            new Bin(b / (double) binCount, (b + 1) / (double) binCount, mean, rate, counts[b]));
        ece += counts[b] / (double) scores.length * Math.abs(rate - mean);
      }
    }
    return new Reliability(bins, scores.length == 0 ? 0 : ece, scores.length);
  }
}

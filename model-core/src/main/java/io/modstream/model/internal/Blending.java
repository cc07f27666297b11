package io.modstream.model.internal;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import io.modstream.model.ScoreCalibration;
import io.modstream.model.evaluation.Evaluator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Fits a {@link ScoreCalibration} on validation outputs: the blend weight, then Platt scaling. */
public final class Blending {

  /** Blend weights tried, the LSTM's share. */
  private static final int GRID_STEPS = 10;

  /** Platt scaling is an almost unregularised logistic regression on one feature. */
  private static final double PLATT_C = 1_000;

  private static final double MIN_SLOPE = 1e-3;

  private Blending() {}

  /**
   * Fits the blend weight (best mean ROC-AUC over the labels with positives, on a grid of {@value
   * #GRID_STEPS} steps) and per-label Platt scaling of the blend.
   *
   * @param networkProbabilities {@code [rows][labels]} the LSTM's validation probabilities
   * @param linearLogits {@code [rows][labels]} the linear model's validation log-odds
   * @param truth {@code [rows][labels]}
   * @return the calibration
   */
  public static ScoreCalibration fit(
      float[][] networkProbabilities, double[][] linearLogits, boolean[][] truth) {
    return fit(networkProbabilities, linearLogits, truth, null);
  }

  /**
   * As {@link #fit(float[][], double[][], boolean[][])}, each label fitted on the rows where it was
   * judged.
   *
   * @param networkProbabilities {@code [rows][labels]} the LSTM's validation probabilities
   * @param linearLogits {@code [rows][labels]} the linear model's validation log-odds
   * @param truth {@code [rows][labels]}
   * @param judged {@code [rows][labels]} whether each value is known, or null when all are
   * @return the calibration
   */
  public static ScoreCalibration fit(
      float[][] networkProbabilities,
      double[][] linearLogits,
      boolean[][] truth,
      boolean[][] judged) {
    int labels = truth[0].length;
    double bestWeight = 0.5;
    double bestAuc = Double.NEGATIVE_INFINITY;
    for (int step = 0; step <= GRID_STEPS; step++) {
      double w = step / (double) GRID_STEPS;
      double sum = 0;
      int counted = 0;
      for (int j = 0; j < labels; j++) {
        boolean[] y = column(truth, j, judged);
        if (hasBoth(y)) {
          sum +=
              Evaluator.rocAuc(
                  judgedOnly(blend(networkProbabilities, linearLogits, j, w), judged, j), y);
          counted++;
        }
      }
      double auc = counted == 0 ? 0 : sum / counted;
      // Ties go to the even blend.
      if (auc > bestAuc + 1e-9
          || Math.abs(auc - bestAuc) <= 1e-9 && Math.abs(w - 0.5) < Math.abs(bestWeight - 0.5)) {
        bestAuc = auc;
        bestWeight = w;
      }
    }
    List<Double> slopes = new ArrayList<>();
    List<Double> intercepts = new ArrayList<>();
    for (int j = 0; j < labels; j++) {
      double[] ab =
          platt(
              judgedOnly(blend(networkProbabilities, linearLogits, j, bestWeight), judged, j),
              column(truth, j, judged));
      slopes.add(ab[0]);
      intercepts.add(ab[1]);
    }
    return new ScoreCalibration(bestWeight, slopes, intercepts);
  }

  /**
   * Fits {@code p = sigmoid(a * z + b)} by logistic regression (liblinear, bias unregularised).
   *
   * @param z the scores
   * @param y the truth
   * @return {@code {a, b}}; {@code a} is at least {@value #MIN_SLOPE} so order is kept, and a label
   *     without both classes gets {@code {1, 0}}
   */
  public static double[] platt(double[] z, boolean[] y) {
    if (!hasBoth(y)) {
      return new double[] {1, 0};
    }
    Problem problem = new Problem();
    problem.l = z.length;
    problem.n = 2;
    problem.bias = 1;
    problem.x = new Feature[z.length][];
    problem.y = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      problem.x[i] = new Feature[] {new FeatureNode(1, z[i]), new FeatureNode(2, 1.0)};
      problem.y[i] = y[i] ? 1 : 0;
    }
    Parameter parameter = new Parameter(SolverType.L2R_LR, PLATT_C, 1e-4);
    parameter.setRegularizeBias(false);
    Linear.disableDebugOutput();
    Model model = Linear.train(problem, parameter);
    double sign = model.getLabels()[0] == 1 ? 1 : -1;
    double[] w = model.getFeatureWeights();
    return new double[] {Math.max(MIN_SLOPE, sign * w[0]), sign * w[1]};
  }

  /** One label's blended log-odds. */
  static double[] blend(
      float[][] networkProbabilities, double[][] linearLogits, int label, double w) {
    double[] z = new double[networkProbabilities.length];
    for (int i = 0; i < z.length; i++) {
      z[i] =
          w * ScoreCalibration.logit(networkProbabilities[i][label])
              + (1 - w) * linearLogits[i][label];
    }
    return z;
  }

  /** Label {@code j}'s truth on the rows where it was judged (all rows when judged is null). */
  private static boolean[] column(boolean[][] m, int j, boolean[][] judged) {
    boolean[] c = new boolean[m.length];
    int k = 0;
    for (int i = 0; i < m.length; i++) {
      if (judged == null || judged[i][j]) {
        c[k++] = m[i][j];
      }
    }
    return Arrays.copyOf(c, k);
  }

  private static double[] judgedOnly(double[] z, boolean[][] judged, int j) {
    if (judged == null) {
      return z;
    }
    double[] c = new double[z.length];
    int k = 0;
    for (int i = 0; i < z.length; i++) {
      if (judged[i][j]) {
        c[k++] = z[i];
      }
    }
    return Arrays.copyOf(c, k);
  }

  private static boolean hasBoth(boolean[] y) {
    boolean pos = false;
    boolean neg = false;
    for (boolean b : y) {
      pos |= b;
      neg |= !b;
    }
    return pos && neg;
  }
}

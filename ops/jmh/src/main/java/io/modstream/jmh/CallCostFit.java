package io.modstream.jmh;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.testing.Engines;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Measures what one ONNX Runtime call costs on each graph layout, by rows and steps, and fits
 * {@code call + steps x (step + rows x rowStep)} microseconds to each: the cost model by which the
 * served call groups comments and picks a layout per call ({@code OnnxNetwork.CallCosts}). Rows are
 * random token ids, all of one length (the cost does not depend on the ids, and no padding blurs
 * the steps); each cell alternates the layouts in short timed loops and keeps the median. The fit
 * weighs each cell by its inverse time (relative error), and a term fitted below zero is dropped
 * and the rest fitted again.
 *
 * <p>Usage (via {@code ops/jmh-bench --call-costs}): {@code [REPEATS]}, default 5 (about a minute).
 * Prints the table, each layout's fit and error, and the system property that sets the fitted
 * costs.
 */
public final class CallCostFit {

  private static final int[] ROWS = {1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256};
  private static final int[] STEPS = {8, 16, 32, 64, 128};
  private static final long CELL_NANOS = 60_000_000L;

  private CallCostFit() {}

  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    if (repeats < 1) {
      throw new IllegalArgumentException("usage: [REPEATS >= 1]");
    }
    ModelRuntime.configureNativeThreads(1);
    ModelBundle bundle = BenchInputs.bundle();
    String[] layouts = {"fused", "folded"};
    Engines.Network[] networks = new Engines.Network[layouts.length];
    for (int k = 0; k < layouts.length; k++) {
      EngineOptions options =
          EngineOptions.DEFAULT.withRecurrence(EngineOptions.Recurrence.of(layouts[k]));
      networks[k] = Engines.network(bundle, InferenceEngine.ONNX, options);
    }
    int vocabulary = bundle.vocabulary().size();
    Random random = new Random(7);
    List<double[]> cells = new ArrayList<>();
    long sink = 0;
    System.out.printf("us per call, median of %d, %s%n", repeats, bundle.info().version());
    System.out.println("rows,steps,fused_us,folded_us");
    for (int steps : STEPS) {
      for (int rows : ROWS) {
        int[][] ids = new int[rows][steps];
        for (int[] row : ids) {
          Arrays.setAll(row, t -> 2 + random.nextInt(vocabulary - 2));
        }
        double[][] micros = new double[layouts.length][repeats];
        for (int repeat = -1; repeat < repeats; repeat++) {
          for (int i = 0; i < layouts.length; i++) {
            int k = (repeat & 1) == 0 ? i : layouts.length - 1 - i;
            int calls = 0;
            long start = System.nanoTime();
            long spent;
            do {
              sink += networks[k].predict(ids).length;
              calls++;
              spent = System.nanoTime() - start;
            } while (spent < CELL_NANOS);
            if (repeat >= 0) {
              micros[k][repeat] = spent / 1e3 / calls;
            }
          }
        }
        double[] cell = {rows, steps, median(micros[0]), median(micros[1])};
        cells.add(cell);
        System.out.printf(Locale.ROOT, "%d,%d,%.1f,%.1f%n", rows, steps, cell[2], cell[3]);
      }
    }
    double[][] fits = new double[layouts.length][];
    for (int k = 0; k < layouts.length; k++) {
      fits[k] = fit(cells, 2 + k);
      System.out.printf(
          Locale.ROOT,
          "%-6s call %.1f + steps x (%.2f + rows x %.3f) us; error %s%n",
          layouts[k],
          fits[k][0],
          fits[k][1],
          fits[k][2],
          error(cells, 2 + k, fits[k]));
    }
    System.out.printf(
        Locale.ROOT,
        "scoring.onnx.call.costs=%.1f,%.2f,%.3f,%.1f,%.2f,%.3f%n",
        fits[0][0],
        fits[0][1],
        fits[0][2],
        fits[1][0],
        fits[1][1],
        fits[1][2]);
    if (sink == 42) {
      System.out.println();
    }
  }

  /** Fits call, step and rowStep to one column by least relative error, none below zero. */
  static double[] fit(List<double[]> cells, int column) {
    boolean[] kept = {true, true, true};
    while (true) {
      int terms = (kept[0] ? 1 : 0) + (kept[1] ? 1 : 0) + (kept[2] ? 1 : 0);
      double[] y = new double[cells.size()];
      double[][] x = new double[cells.size()][terms];
      for (int i = 0; i < cells.size(); i++) {
        double[] cell = cells.get(i);
        double[] all = {1, cell[1], cell[0] * cell[1]};
        double weight = 1 / cell[column];
        y[i] = cell[column] * weight;
        int j = 0;
        for (int t = 0; t < 3; t++) {
          if (kept[t]) {
            x[i][j++] = all[t] * weight;
          }
        }
      }
      OLSMultipleLinearRegression regression = new OLSMultipleLinearRegression();
      regression.setNoIntercept(true);
      regression.newSampleData(y, x);
      double[] beta = regression.estimateRegressionParameters();
      double[] out = new double[3];
      boolean negative = false;
      int j = 0;
      for (int t = 0; t < 3; t++) {
        if (kept[t]) {
          out[t] = beta[j++];
          if (out[t] < 0 && t < 2) {
            kept[t] = false;
            negative = true;
          }
        }
      }
      if (!negative) {
        return out;
      }
    }
  }

  private static String error(List<double[]> cells, int column, double[] fit) {
    double squares = 0;
    double worst = 0;
    for (double[] cell : cells) {
      double predicted = fit[0] + cell[1] * (fit[1] + cell[0] * fit[2]);
      double relative = Math.abs(predicted - cell[column]) / cell[column];
      squares += relative * relative;
      worst = Math.max(worst, relative);
    }
    return String.format(
        Locale.ROOT,
        "rms %.0f%%, worst %.0f%%",
        100 * Math.sqrt(squares / cells.size()),
        100 * worst);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}

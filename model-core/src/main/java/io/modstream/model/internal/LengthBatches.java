package io.modstream.model.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Groups rows of similar length into batches. Every time step is computed for every row of a batch
 * whatever the mask says, so a batch costs its longest row times its size; grouping by length cuts
 * the padding (most comments are far shorter than the maximum).
 */
public final class LengthBatches {

  /** Rows are sorted by length within windows of this many batches when training. */
  static final int TRAINING_WINDOW_BATCHES = 50;

  private LengthBatches() {}

  /**
   * Splits rows, sorted by length, into consecutive batches: for scoring, where order does not
   * matter and the caller scatters results back by index.
   *
   * @param rows encoded rows
   * @param batchSize the most rows per batch
   * @return row indices per batch
   */
  public static List<int[]> forScoring(int[][] rows, int batchSize) {
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Integer.compare(rows[a].length, rows[b].length));
    return cut(order, batchSize);
  }

  /**
   * Shuffles rows, sorts each window of {@value #TRAINING_WINDOW_BATCHES} batches by length, cuts
   * it into batches and shuffles the batches: near-random batches with little padding.
   *
   * @param rows encoded rows
   * @param batchSize the most rows per batch
   * @param random the source of randomness (seeded by the caller)
   * @return row indices per batch
   */
  public static List<int[]> forTraining(int[][] rows, int batchSize, Random random) {
    List<Integer> shuffled = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      shuffled.add(i);
    }
    Collections.shuffle(shuffled, random);
    List<int[]> batches = new ArrayList<>();
    int window = batchSize * TRAINING_WINDOW_BATCHES;
    for (int start = 0; start < shuffled.size(); start += window) {
      Integer[] chunk =
          shuffled
              .subList(start, Math.min(start + window, shuffled.size()))
              .toArray(new Integer[0]);
      Arrays.sort(chunk, (a, b) -> Integer.compare(rows[a].length, rows[b].length));
      batches.addAll(cut(chunk, batchSize));
    }
    Collections.shuffle(batches, random);
    return batches;
  }

  /** What one call of {@code rows} rows padded to {@code steps} steps costs. */
  @FunctionalInterface
  public interface CallCost {
    /**
     * Returns the cost of a call.
     *
     * @param rows the rows, at least 1
     * @param steps the padded length, at least 1
     * @return its cost, in any unit common to all calls
     */
    long of(int rows, int steps);
  }

  /**
   * Splits rows, sorted by length, into the consecutive batches of least total cost: long and short
   * comments get separate batches when the padding saved outweighs the extra call, and comments of
   * similar length share one when its steps cost more than the padding. Dynamic programming over
   * the sorted lengths, {@code O(rows x batchSize)} cost evaluations.
   *
   * @param rows encoded rows
   * @param batchSize the most rows per batch
   * @param cost what a batch of so many rows padded to its longest costs
   * @return row indices per batch
   */
  public static List<int[]> byCost(int[][] rows, int batchSize, CallCost cost) {
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Integer.compare(rows[a].length, rows[b].length));
    int n = order.length;
    long[] best = new long[n + 1];
    int[] start = new int[n + 1];
    for (int end = 1; end <= n; end++) {
      int longest = Math.max(1, rows[order[end - 1]].length);
      best[end] = Long.MAX_VALUE;
      for (int from = Math.max(0, end - batchSize); from < end; from++) {
        long total = best[from] + cost.of(end - from, longest);
        if (total < best[end]) {
          best[end] = total;
          start[end] = from;
        }
      }
    }
    List<int[]> batches = new ArrayList<>();
    for (int end = n; end > 0; end = start[end]) {
      int[] batch = new int[end - start[end]];
      for (int k = start[end]; k < end; k++) {
        batch[k - start[end]] = order[k];
      }
      batches.add(batch);
    }
    Collections.reverse(batches);
    return batches;
  }

  private static List<int[]> cut(Integer[] order, int batchSize) {
    List<int[]> batches = new ArrayList<>((order.length + batchSize - 1) / batchSize);
    for (int start = 0; start < order.length; start += batchSize) {
      int end = Math.min(start + batchSize, order.length);
      int[] batch = new int[end - start];
      for (int k = start; k < end; k++) {
        batch[k - start] = order[k];
      }
      batches.add(batch);
    }
    return batches;
  }
}

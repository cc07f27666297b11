package io.modstream.model.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Groups rows of similar length into batches. Every time step is computed for every row of a
 * batch whatever the mask says, so a batch costs its longest row times its size; grouping by
 * length cuts the padding (most comments are far shorter than the maximum).
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
          shuffled.subList(start, Math.min(start + window, shuffled.size())).toArray(new Integer[0]);
      Arrays.sort(chunk, (a, b) -> Integer.compare(rows[a].length, rows[b].length));
      batches.addAll(cut(chunk, batchSize));
    }
    Collections.shuffle(batches, random);
    return batches;
  }

  /**
   * Splits rows, sorted by length, into the batches of least total cost, where a batch costs
   * {@code callOverhead} plus its longest row times its size plus {@code stepOverhead}: long and
   * short comments get separate batches when the padding saved outweighs the extra call and its
   * steps. Dynamic programming over the sorted lengths, {@code O(rows x batchSize)}.
   *
   * @param rows encoded rows
   * @param batchSize the most rows per batch
   * @param callOverhead the cost of one call in row-steps, at least 1
   * @param stepOverhead the fixed cost of one time step of a call, in row-steps, at least 0
   * @return row indices per batch
   */
  public static List<int[]> byCost(int[][] rows, int batchSize, int callOverhead, int stepOverhead) {
    Integer[] order = new Integer[rows.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Integer.compare(rows[a].length, rows[b].length));
    int n = order.length;
    long[] best = new long[n + 1];
    int[] start = new int[n + 1];
    for (int end = 1; end <= n; end++) {
      long longest = rows[order[end - 1]].length;
      best[end] = Long.MAX_VALUE;
      for (int from = Math.max(0, end - batchSize); from < end; from++) {
        long cost = best[from] + callOverhead + (end - from + stepOverhead) * longest;
        if (cost < best[end]) {
          best[end] = cost;
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

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

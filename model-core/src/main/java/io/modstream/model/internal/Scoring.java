package io.modstream.model.internal;

import java.util.List;

/** Scores many encoded rows with one network, in length-grouped batches ({@link LengthBatches}). */
public final class Scoring {

  private Scoring() {}

  /**
   * Scores rows and returns the results in the rows' order.
   *
   * @param network the network (used by this thread only for the call)
   * @param rows encoded rows
   * @param batchSize the most rows per network call
   * @param labels the number of outputs
   * @return {@code [rows.length][labels]} probabilities
   */
  public static float[][] score(ScoringNetwork network, int[][] rows, int batchSize, int labels) {
    float[][] scores = new float[rows.length][];
    List<int[]> batches =
        network.callCost(1, 1) > 0
            ? LengthBatches.byCost(rows, batchSize, network::callCost)
            : LengthBatches.forScoring(rows, batchSize);
    for (int[] batch : batches) {
      int[][] members = new int[batch.length][];
      for (int k = 0; k < batch.length; k++) {
        members[k] = rows[batch[k]];
      }
      float[][] out = network.predict(members);
      for (int k = 0; k < batch.length; k++) {
        if (out[k].length != labels) {
          throw new IllegalStateException(
              "network gave " + out[k].length + " outputs, expected " + labels);
        }
        scores[batch[k]] = out[k];
      }
    }
    return scores;
  }
}

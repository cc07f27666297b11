package io.modstream.model.internal;

/** A network replica that scores batches; used by one thread at a time. */
public interface ScoringNetwork {

  /**
   * Scores a batch.
   *
   * @param rows encoded texts, unpadded, each at least one token long; the engine pads them to the
   *     batch's longest row in whatever form it needs
   * @return {@code [rows.length][labels]} probabilities
   */
  float[][] predict(int[][] rows);

  /**
   * Returns what one call of {@code rows} rows padded to {@code steps} time steps costs, in
   * nanoseconds by the network's own estimate, so that {@link Scoring} can group rows into the
   * calls of least total cost ({@link LengthBatches#byCost}). Zero, the default, where the network
   * has no estimate: batches are then cut at the batch size whatever the padding.
   *
   * @param rows the rows of the call, at least 1
   * @param steps the steps every row is padded to, at least 1
   * @return the estimated cost, 0 for none
   */
  default long callCost(int rows, int steps) {
    return 0;
  }
}

package io.modstream.model.internal;

/** A network replica that scores batches; used by one thread at a time. */
public interface ScoringNetwork {

  /**
   * Scores a batch.
   *
   * @param rows encoded texts, unpadded, each at least one token long; the engine pads them to
   *     the batch's longest row in whatever form it needs
   * @return {@code [rows.length][labels]} probabilities
   */
  float[][] predict(int[][] rows);

  /**
   * Returns what one call costs beyond its rows, in padded row-steps (one row through one time
   * step): how much padding a smaller, tighter batch must save to be worth its own call. Zero or
   * less: batches are cut at the batch size whatever the padding.
   *
   * @return the per-call cost in row-steps
   */
  default int callOverhead() {
    return 0;
  }

  /**
   * Returns what each time step of a call costs beyond its rows, in row-steps: a batch of {@code
   * n} rows padded to {@code T} steps costs {@code callOverhead() + T * (n + stepOverhead())}.
   * Where steps have a fixed cost (a recurrence run step by step), fewer, wider batches pay.
   *
   * @return the per-step cost in row-steps, zero by default
   */
  default int stepOverhead() {
    return 0;
  }
}

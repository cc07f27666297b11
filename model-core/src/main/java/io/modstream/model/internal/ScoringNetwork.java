package io.modstream.model.internal;

import io.modstream.model.EncodedBatch;

/** A network replica that scores batches; used by one thread at a time. */
public interface ScoringNetwork {

  /**
   * Scores a batch.
   *
   * @param batch encoded texts
   * @return {@code [batch.size()][labels]} probabilities
   */
  float[][] predict(EncodedBatch batch);

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
}

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
}

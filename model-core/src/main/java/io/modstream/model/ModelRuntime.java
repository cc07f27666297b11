package io.modstream.model;

import io.modstream.model.internal.LstmNetwork;

/** Process-wide settings of the model engine. */
public final class ModelRuntime {

  private ModelRuntime() {}

  /**
   * Sets the engine's native (OpenMP) thread count unless the OMP_NUM_THREADS environment variable
   * already does. Measured on 2-core machines, one native thread per scoring or training thread is
   * fastest (see the README's performance notes). Call before loading or training a model.
   *
   * @param threads native threads, at least 1
   */
  public static void configureNativeThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    LstmNetwork.configureNativeThreads(threads);
  }
}

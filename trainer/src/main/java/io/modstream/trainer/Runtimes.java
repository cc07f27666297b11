package io.modstream.trainer;

import io.modstream.model.ModelRuntime;

/** Applies process-wide native settings before any model work. */
final class Runtimes {
  private Runtimes() {}

  static void configureNativeThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("--native-threads must be at least 1, got " + threads);
    }
    ModelRuntime.configureNativeThreads(threads);
  }
}

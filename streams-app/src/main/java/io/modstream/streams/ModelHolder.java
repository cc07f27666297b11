package io.modstream.streams;

import io.modstream.model.ModerationModel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one reference to the model being served. A batch reads it once and is scored entirely by that
 * model, so replacing it (the hot-swap issue) can never split a batch across versions.
 */
public final class ModelHolder {

  private final AtomicReference<ModerationModel> current;

  /**
   * Creates a holder serving a model.
   *
   * @param initial the model to serve
   */
  public ModelHolder(ModerationModel initial) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
  }

  /**
   * Returns the model to score the next batch with.
   *
   * @return the current model
   */
  public ModerationModel current() {
    return current.get();
  }

  /**
   * Replaces the served model. Batches already being scored finish on the model they read.
   *
   * @param next the new model
   * @return the model it replaced
   */
  public ModerationModel swap(ModerationModel next) {
    return current.getAndSet(Objects.requireNonNull(next, "next"));
  }
}

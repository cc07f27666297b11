package io.modstream.model;

import java.io.IOException;

/**
 * A model bundle that cannot be used: missing, incomplete, truncated, tampered with, or written by
 * an incompatible version. The message says which file is at fault and what to do.
 */
public final class InvalidBundleException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and how to fix it
   */
  public InvalidBundleException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong and how to fix it
   * @param cause the underlying failure
   */
  public InvalidBundleException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.modstream.schemas;

/**
 * The schema registry did not answer: the record may be fine, so it must be retried rather than
 * dead-lettered.
 */
public final class RegistryUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.modstream.schemas;

import java.io.IOException;

/**
 * A release whose signature does not vouch for it: refused before its bundle is fetched. The
 * message names the release, what is wrong and how to fix it; {@link #reason()} tells the cases
 * apart.
 */
public final class UntrustedReleaseException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Why a release is not trusted. */
  public enum Reason {
    /** The release carries no signature or no key id. */
    UNSIGNED,
    /** The key id names no trusted key. */
    UNKNOWN_KEY,
    /** The signature does not verify with the named key: the record was altered or forged. */
    BAD_SIGNATURE
  }

  private final Reason reason;

  UntrustedReleaseException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * Returns why the release is not trusted.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}

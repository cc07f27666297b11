package io.modstream.registry;

import java.io.IOException;

/** The registry refused a schema as incompatible with the subject's earlier versions (HTTP 409). */
public final class IncompatibleSchemaException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The subject the schema was refused under. */
  private final String subject;

  /** The registry's reason, as it gave it. */
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param subject the subject the schema was refused under
   * @param reason the registry's reason
   */
  public IncompatibleSchemaException(String subject, String reason) {
    super(
        "the schema registry refused the new schema of subject "
            + subject
            + " as incompatible with its earlier versions: "
            + reason
            + " (under BACKWARD a new field needs a default and an existing field keeps its type;"
            + " change the schema so, or register it under a new subject)");
    this.subject = subject;
    this.reason = reason;
  }

  /**
   * Returns the subject the schema was refused under.
   *
   * @return the subject
   */
  public String subject() {
    return subject;
  }

  /**
   * Returns the registry's reason.
   *
   * @return the reason, as the registry gave it
   */
  public String reason() {
    return reason;
  }
}

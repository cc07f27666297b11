package io.modstream.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that cannot be decoded into a record. A Kafka {@link SerializationException}, so a
 * consumer's or Kafka Streams' deserialization error handling sees it; {@link #reason()} tells the
 * cases apart (for dead-letter headers, metrics and logs).
 */
public final class RecordDecodingException extends SerializationException {

  private static final long serialVersionUID = 1L;

  /** Why decoding failed. */
  public enum Reason {
    /** The bytes do not start with Avro's single-object marker. */
    NOT_AVRO,
    /** The value is in none of the formats the reader knows ({@link WireFormat}). */
    UNKNOWN_FORMAT,
    /** The value starts like JSON but is not a well-formed UTF-8 JSON object. */
    INVALID_JSON,
    /**
     * A JSON field is missing, has the wrong type or a value out of range; the message names it.
     */
    INVALID_FIELD,
    /** The value is in the Confluent wire format but the reader has no schema registry. */
    NO_REGISTRY,
    /** The writer schema (fingerprint or registry id) is not one this reader knows. */
    UNKNOWN_SCHEMA,
    /** The header was fine but the body is truncated or does not match the schema. */
    CORRUPT
  }

  private final Reason reason;

  RecordDecodingException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Returns why decoding failed.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}

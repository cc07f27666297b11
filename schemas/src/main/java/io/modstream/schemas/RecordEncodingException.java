package io.modstream.schemas;

import org.apache.kafka.common.errors.SerializationException;

/** A record that cannot be encoded, typically because a required field is unset. */
public final class RecordEncodingException extends SerializationException {

  private static final long serialVersionUID = 1L;

  RecordEncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}

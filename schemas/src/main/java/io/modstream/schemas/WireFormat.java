package io.modstream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The encodings a record value may have on the pipeline's topics. Readers tell them apart per
 * record: by a {@code content-type} header when the producer sets one, else by the first byte.
 */
public enum WireFormat {
  /**
   * Avro single-object encoding: {@code C3 01}, the writer schema's CRC-64-AVRO fingerprint (8
   * bytes, little-endian), then the binary record. Needs no registry.
   */
  AVRO("avro", "application/vnd.apache.avro+binary"),
  /**
   * The Confluent wire format: byte {@code 00}, the schema's 4-byte big-endian registry id, then
   * the binary record. Needs a schema registry with a Confluent-compatible API.
   */
  REGISTRY("registry", "application/vnd.apache.avro+binary"),
  /** A UTF-8 JSON object with the record's fields by their Avro names. */
  JSON("json", "application/json");

  /** The header a producer may set to name its value's format. */
  public static final String CONTENT_TYPE_HEADER = "content-type";

  private static final byte SINGLE_OBJECT_MARKER = (byte) 0xC3;
  private static final byte REGISTRY_MAGIC = 0;

  private final String configName;
  private final String contentType;

  WireFormat(String configName, String contentType) {
    this.configName = configName;
    this.contentType = contentType;
  }

  /**
   * Returns the name used in configuration and on command lines.
   *
   * @return avro, registry or json
   */
  public String configName() {
    return configName;
  }

  /**
   * Returns the MIME type of this format, for a {@code content-type} header.
   *
   * @return the content type
   */
  public String contentType() {
    return contentType;
  }

  /**
   * Returns the format of a configuration name.
   *
   * @param name avro, registry or json (any case)
   * @return the format
   * @throws IllegalArgumentException if the name is none of those
   */
  public static WireFormat ofConfigName(String name) {
    for (WireFormat f : values()) {
      if (f.configName.equalsIgnoreCase(name.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown format '" + name + "': use avro, registry or json");
  }

  /**
   * Tells the format of a record value.
   *
   * @param value the value bytes (not null)
   * @param headers the record headers, or null
   * @return the format
   * @throws RecordDecodingException with reason {@code UNKNOWN_FORMAT} if the header names another
   *     content type or the first byte starts none of the formats
   */
  public static WireFormat detect(byte[] value, Headers headers) {
    String declared = contentType(headers);
    if (declared != null) {
      String type = declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (type.equals("application/json") || type.endsWith("+json")) {
        return JSON;
      }
      if (!type.equals("application/vnd.apache.avro+binary")
          && !type.equals("avro/binary")
          && !type.equals("application/avro")) {
        throw new RecordDecodingException(
            RecordDecodingException.Reason.UNKNOWN_FORMAT,
            "the content-type header says '"
                + declared
                + "', which this pipeline does not read: send application/json for a JSON object,"
                + " or application/vnd.apache.avro+binary (or no content-type header) for Avro",
            null);
      }
    }
    if (value.length > 0 && value[0] == SINGLE_OBJECT_MARKER) {
      return AVRO;
    }
    if (value.length > 0 && value[0] == REGISTRY_MAGIC) {
      return REGISTRY;
    }
    if (declared == null && startsLikeJsonObject(value)) {
      return JSON;
    }
    throw new RecordDecodingException(
        RecordDecodingException.Reason.UNKNOWN_FORMAT,
        "the value starts with "
            + hexPrefix(value, 8)
            + ", which begins none of the formats this pipeline reads: a JSON object ('{'),"
            + " Avro single-object encoding (C3 01 + 8-byte schema fingerprint) or the Confluent"
            + " wire format (00 + 4-byte schema id); see docs/wire-format.md",
        null);
  }

  private static String contentType(Headers headers) {
    if (headers == null) {
      return null;
    }
    Header h = headers.lastHeader(CONTENT_TYPE_HEADER);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** A JSON object may follow a UTF-8 byte order mark and white space. */
  private static boolean startsLikeJsonObject(byte[] value) {
    int i = 0;
    if (value.length >= 3
        && value[0] == (byte) 0xEF
        && value[1] == (byte) 0xBB
        && value[2] == (byte) 0xBF) {
      i = 3;
    }
    while (i < value.length
        && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n' || value[i] == '\r')) {
      i++;
    }
    return i < value.length && value[i] == '{';
  }

  /**
   * Formats the first bytes of a value in hex, for messages.
   *
   * @param value the bytes
   * @param max how many bytes to show at most
   * @return for example {@code "48 65 6c 6c ..." (5 bytes)}
   */
  static String hexPrefix(byte[] value, int max) {
    if (value.length == 0) {
      return "nothing (0 bytes)";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < Math.min(max, value.length); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", value[i] & 0xff));
    }
    if (value.length > max) {
      sb.append(" ...");
    }
    return sb.append("\" (").append(value.length).append(" bytes)").toString();
  }
}

package io.modstream.streams;

import io.modstream.schemas.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * Why a record went to the dead-letter topic, and the headers that say so. The DLQ record keeps the
 * original key and value bytes; its headers carry the reason, a human-readable detail and the
 * source topic, partition and offset ({@link DeadLetterHeaders}).
 */
public enum DeadLetter {
  /** The value was null (a tombstone is not a comment). */
  NULL_VALUE,
  /** The value is in none of the formats the app reads (JSON, Avro single-object, registry). */
  UNKNOWN_FORMAT,
  /** The value starts with Avro's single-object marker byte but its header is not valid. */
  NOT_AVRO,
  /** The value starts like JSON but is not a well-formed UTF-8 JSON object. */
  INVALID_JSON,
  /** A JSON comment's field is missing or has the wrong type; the detail names the field. */
  INVALID_FIELD,
  /** The value is in the registry's wire format but the app has no schema registry configured. */
  NO_REGISTRY,
  /** The value names a Comment schema (fingerprint or registry id) this app does not know. */
  UNKNOWN_SCHEMA,
  /** The value is a truncated or corrupt Comment. */
  CORRUPT,
  /** The comment's text is empty or whitespace only. */
  EMPTY_TEXT,
  /** The comment's text is larger than {@code text.max.bytes}. */
  TEXT_TOO_LARGE;

  /** Header with the {@link DeadLetter} name. */
  public static final String REASON_HEADER = DeadLetterHeaders.REASON;

  /** Header with a human-readable explanation. */
  public static final String DETAIL_HEADER = DeadLetterHeaders.DETAIL;

  /** Header with the source topic. */
  public static final String TOPIC_HEADER = DeadLetterHeaders.TOPIC;

  /** Header with the source partition (decimal). */
  public static final String PARTITION_HEADER = DeadLetterHeaders.PARTITION;

  /** Header with the source offset (decimal). */
  public static final String OFFSET_HEADER = DeadLetterHeaders.OFFSET;

  void addTo(Headers headers, String detail, String topic, int partition, long offset) {
    headers.add(REASON_HEADER, name().getBytes(StandardCharsets.UTF_8));
    headers.add(DETAIL_HEADER, detail.getBytes(StandardCharsets.UTF_8));
    headers.add(TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
    headers.add(PARTITION_HEADER, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    headers.add(OFFSET_HEADER, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
  }
}

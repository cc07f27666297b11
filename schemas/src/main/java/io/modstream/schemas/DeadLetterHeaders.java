package io.modstream.schemas;

/**
 * Headers of a dead-letter record: the streams app writes them, readers of the dead-letter topic
 * (the tail tool) show them. The record keeps the original key and value bytes.
 */
public final class DeadLetterHeaders {

  /** Why the record was rejected (a reason name, e.g. NOT_AVRO). */
  public static final String REASON = "modstream.dlq.reason";

  /** A human-readable explanation. */
  public static final String DETAIL = "modstream.dlq.detail";

  /** The source topic. */
  public static final String TOPIC = "modstream.dlq.source.topic";

  /** The source partition (decimal). */
  public static final String PARTITION = "modstream.dlq.source.partition";

  /** The source offset (decimal). */
  public static final String OFFSET = "modstream.dlq.source.offset";

  private DeadLetterHeaders() {}
}

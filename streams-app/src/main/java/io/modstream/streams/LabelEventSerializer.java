package io.modstream.streams;

import io.modstream.schemas.JsonRecords;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.Topics;
import io.modstream.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes label events in the configured {@link WireFormat}, and names it in a {@code content-type}
 * header so that consumers need not guess. Shared by the sinks of all stream threads, as a
 * producer's serializer is.
 */
final class LabelEventSerializer implements Serializer<LabelEvent> {

  private final Serializer<LabelEvent> delegate;
  private final byte[] contentType;

  private LabelEventSerializer(WireFormat format, Serializer<LabelEvent> delegate) {
    this.delegate = delegate;
    this.contentType = format.contentType().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Returns the serializer of a format.
   *
   * @param format the output format
   * @param registry the schema registry (needed for {@link WireFormat#REGISTRY} only)
   * @return the serializer
   */
  static LabelEventSerializer of(WireFormat format, SchemaRegistry registry) {
    Serializer<LabelEvent> delegate =
        switch (format) {
          case AVRO -> Topics.COMMENT_LABELS.valueSerde().serializer();
          case JSON -> (topic, event) -> event == null ? null : JsonRecords.labelEvent(event);
          case REGISTRY -> registry.serializer();
        };
    return new LabelEventSerializer(format, delegate);
  }

  @Override
  public byte[] serialize(String topic, LabelEvent event) {
    return delegate.serialize(topic, event);
  }

  @Override
  public byte[] serialize(String topic, Headers headers, LabelEvent event) {
    headers.remove(WireFormat.CONTENT_TYPE_HEADER);
    headers.add(WireFormat.CONTENT_TYPE_HEADER, contentType);
    return delegate.serialize(topic, headers, event);
  }

  @Override
  public void close() {
    delegate.close();
  }
}

package io.modstream.schemas;

import io.apicurio.registry.rest.client.models.ProblemDetails;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a {@link Comment} from a record value in any {@link WireFormat}: Avro single-object, the
 * Confluent wire format (when a schema registry is configured) or JSON. Every failure is a {@link
 * RecordDecodingException} whose message tells a producer in any language what to change, except a
 * registry that does not answer, which is {@link RegistryUnavailableException}: the record is fine
 * and must not be dead-lettered. Thread-safe: the registry's deserializer keeps its schemas and
 * readers in concurrent maps, so one reader serves every stream thread.
 */
public final class CommentReader implements AutoCloseable {

  private final AvroCodec<Comment> avro = AvroCodec.of(Comment.class);
  private final SchemaRegistry registry;
  private final Deserializer<Comment> registryDeserializer;

  /**
   * Returns a reader.
   *
   * @param registry the schema registry for {@link WireFormat#REGISTRY} values, or null when there
   *     is none (those values are then rejected with {@code NO_REGISTRY})
   */
  public CommentReader(SchemaRegistry registry) {
    this.registry = registry;
    this.registryDeserializer = registry == null ? null : registry.deserializer();
  }

  /**
   * Decodes one value.
   *
   * @param format the value's format ({@link WireFormat#detect})
   * @param topic the topic it came from (the registry subject follows it)
   * @param key the record key, or null (a JSON comment may take its id from it)
   * @param value the value bytes
   * @param headers the record headers
   * @param timestampMs the record timestamp (a JSON comment without created_at takes it)
   * @return the comment, in the current schema
   */
  public Comment read(
      WireFormat format,
      String topic,
      String key,
      byte[] value,
      Headers headers,
      long timestampMs) {
    Objects.requireNonNull(value, "value");
    return switch (format) {
      case AVRO -> avro.decode(value);
      case JSON -> JsonRecords.comment(value, key, timestampMs);
      case REGISTRY -> fromRegistry(topic, value, headers);
    };
  }

  private Comment fromRegistry(String topic, byte[] value, Headers headers) {
    if (registryDeserializer == null) {
      throw new RecordDecodingException(
          RecordDecodingException.Reason.NO_REGISTRY,
          "the value is in the schema registry's wire format (00 + 4-byte schema id "
              + schemaId(value)
              + "), but this pipeline has no registry configured: ask its operators to set"
              + " schema.registry.url, or send Avro single-object encoding or JSON",
          null);
    }
    if (value.length < 5) {
      throw new RecordDecodingException(
          RecordDecodingException.Reason.CORRUPT,
          "the value is " + value.length + " bytes, too short for 00 + a 4-byte schema id",
          null);
    }
    try {
      return registryDeserializer.deserialize(topic, headers, value);
    } catch (RuntimeException e) {
      if (unreachable(e)) {
        throw new RegistryUnavailableException(
            "the schema registry at "
                + registry.baseUrl()
                + " does not answer while resolving schema id "
                + schemaId(value)
                + ": "
                + e,
            e);
      }
      if (e instanceof SerializationException && !(e.getCause() instanceof IOException)) {
        throw new RecordDecodingException(
            RecordDecodingException.Reason.CORRUPT,
            "the body under schema id "
                + schemaId(value)
                + " ends early or does not match that schema: encode the record with the schema"
                + " the registry holds under that id",
            e);
      }
      throw new RecordDecodingException(
          RecordDecodingException.Reason.UNKNOWN_SCHEMA,
          "schema id "
              + schemaId(value)
              + " (bytes 2-5) cannot be read from the registry at "
              + registry.baseUrl()
              + " as a Comment: register your schema under the subject "
              + topic
              + "-value and write the id the registry returns ("
              + rootMessage(e)
              + ")",
          e);
    }
  }

  private static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof UncheckedIOException
          || t.getClass().getName().startsWith("io.netty.channel.")
          || t.getClass().getName().startsWith("io.vertx.core.")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof ProblemDetails p) {
      return "the registry says: " + (p.getDetail() != null ? p.getDetail() : p.getTitle());
    }
    return t.getMessage() == null ? "the registry's answer could not be read" : t.getMessage();
  }

  private static long schemaId(byte[] value) {
    if (value.length < 5) {
      return -1;
    }
    return ((value[1] & 0xffL) << 24)
        | ((value[2] & 0xffL) << 16)
        | ((value[3] & 0xffL) << 8)
        | (value[4] & 0xffL);
  }

  @Override
  public void close() {
    if (registryDeserializer != null) {
      registryDeserializer.close();
    }
  }
}

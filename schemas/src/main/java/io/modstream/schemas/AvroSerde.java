package io.modstream.schemas;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one generated record type, using {@link AvroCodec}'s registry-free
 * single-object encoding. Null stays null (tombstones). Thread-safe.
 *
 * @param <T> the record type
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  private final AvroCodec<T> codec;

  private AvroSerde(AvroCodec<T> codec) {
    this.codec = codec;
  }

  /**
   * Returns a serde for a record type with the bundled schema history.
   *
   * @param type a generated record class
   * @param <T> the record type
   * @return the serde
   */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(AvroCodec.of(type));
  }

  /**
   * Returns a serde over a given codec.
   *
   * @param codec the codec
   * @param <T> the record type
   * @return the serde
   */
  public static <T extends SpecificRecord> AvroSerde<T> of(AvroCodec<T> codec) {
    return new AvroSerde<>(codec);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : codec.encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : codec.decode(data);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}

package io.modstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type with Avro's single-object encoding: a two-byte marker, the
 * writer schema's 64-bit CRC-64-AVRO fingerprint, then the binary record. A reader decodes bytes
 * written with any schema version it knows (the current one and every earlier version listed in
 * {@code io/modstream/schemas/history/index.txt}), resolving them to the current schema, so no
 * schema registry is needed. Thread-safe.
 *
 * @param <T> the generated record type
 */
public final class AvroCodec<T extends SpecificRecord> {

  private static final String HISTORY = "history/";

  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final List<Schema> writers;

  private AvroCodec(Class<T> type, List<Schema> extraWriterSchemas) {
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    List<Schema> writers = new ArrayList<>(history(schema.getFullName()));
    writers.addAll(extraWriterSchemas);
    this.writers = List.copyOf(writers);
    for (Schema writer : writers) {
      if (!writer.getFullName().equals(schema.getFullName())) {
        throw new IllegalArgumentException(
            "schema " + writer.getFullName() + " is not a version of " + schema.getFullName());
      }
      decoder.addSchema(writer);
    }
  }

  /**
   * Returns a codec that reads the current schema and every version in the bundled history.
   *
   * @param type a generated record class
   * @param <T> the record type
   * @return the codec
   */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type, List.of());
  }

  /**
   * Returns a codec that also reads the given writer schemas: a consumer deployed before a
   * producer's schema change learns the new schema this way (for example from a schema file shipped
   * with the producer) and keeps reading.
   *
   * @param type a generated record class
   * @param writerSchemas further versions of the record's schema
   * @param <T> the record type
   * @return the codec
   */
  public static <T extends SpecificRecord> AvroCodec<T> of(
      Class<T> type, List<Schema> writerSchemas) {
    return new AvroCodec<>(type, List.copyOf(writerSchemas));
  }

  /**
   * Encodes a record with the current schema.
   *
   * @param record the record
   * @return the single-object encoded bytes
   */
  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    try {
      return encoder.encode(record).array();
    } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
      throw new RecordEncodingException(
          "cannot encode "
              + schema.getName()
              + ": "
              + e.getMessage()
              + " (a required field is unset or has the wrong type)",
          e);
    }
  }

  /**
   * Decodes bytes written with the current or any known earlier or later schema version.
   *
   * @param bytes single-object encoded bytes
   * @return the record, in the current schema
   * @throws RecordDecodingException if the bytes are not single-object encoded, name an unknown
   *     schema, or are truncated or corrupt; the message says which
   */
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new RecordDecodingException(
          RecordDecodingException.Reason.UNKNOWN_SCHEMA, unknownSchemaAdvice(bytes), e);
    } catch (BadHeaderException e) {
      throw new RecordDecodingException(
          RecordDecodingException.Reason.NOT_AVRO,
          "not Avro single-object encoded "
              + schema.getName()
              + ": the value starts with "
              + WireFormat.hexPrefix(bytes, 10)
              + ", not C3 01 followed by the 8-byte schema fingerprint",
          e);
    } catch (IOException | RuntimeException e) {
      throw new RecordDecodingException(
          RecordDecodingException.Reason.CORRUPT,
          "the header names the current "
              + schema.getName()
              + " schema, but the body ("
              + (bytes.length - 10)
              + " bytes after the 10-byte header) ends early or does not match it: encode the"
              + " record with the schema in docs/wire-format.md, field by field in its order",
          e);
    }
  }

  /**
   * Returns the fingerprints this reader knows, the current schema's first, each as the 8 bytes
   * that follow {@code C3 01} on the wire (CRC-64-AVRO of the schema's Parsing Canonical Form,
   * little-endian), in hex.
   *
   * @return the fingerprints, for example {@code "61 3c ... 9e"}
   */
  public List<String> knownFingerprints() {
    List<String> known = new ArrayList<>();
    known.add(wireHex(SchemaNormalization.parsingFingerprint64(schema)));
    for (Schema s : writers) {
      String hex = wireHex(SchemaNormalization.parsingFingerprint64(s));
      if (!known.contains(hex)) {
        known.add(hex);
      }
    }
    return known;
  }

  /** The 8 fingerprint bytes as they follow C3 01 on the wire. */
  static String wireHex(long fingerprint) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", (fingerprint >>> (8 * i)) & 0xff));
    }
    return sb.toString();
  }

  private String unknownSchemaAdvice(byte[] bytes) {
    long written = 0;
    for (int i = 0; i < 8 && i + 2 < bytes.length; i++) {
      written |= (bytes[i + 2] & 0xffL) << (8 * i);
    }
    String current = wireHex(SchemaNormalization.parsingFingerprint64(schema));
    String head =
        "the value names writer schema fingerprint "
            + wireHex(written)
            + " (bytes 3-10), which is no "
            + schema.getName()
            + " schema this pipeline knows (known: "
            + String.join(" | ", knownFingerprints())
            + "; the first is current). ";
    if (written == logicalTypeWrappedFingerprint(schema)) {
      return head
          + "It is the current schema's fingerprint as an Avro library computes it when its"
          + " Parsing Canonical Form keeps the timestamp field as {\"type\":\"long\"} instead of"
          + " \"long\" (Debian's python-avro 1.11 does): your schema is fine, write the bytes "
          + current
          + " after C3 01 instead (docs/wire-format.md).";
    }
    return head
        + "If you encode the published schema unchanged, check your library's Parsing Canonical"
        + " Form against docs/wire-format.md and write the current fingerprint bytes. If you"
        + " changed the schema, send JSON, register it and use the schema registry's wire format,"
        + " or ask the pipeline's operators to add your version to its schema history.";
  }

  /**
   * The fingerprint of the canonical form that writes logical-type fields' primitive types as
   * objects ({@code {"type":"long"}}), a mistake of some Avro libraries: recognising it lets the
   * error say that the schema itself is fine.
   */
  static long logicalTypeWrappedFingerprint(Schema schema) {
    String form = SchemaNormalization.toParsingForm(schema);
    for (Schema.Field f : schema.getFields()) {
      Schema t = f.schema();
      if (t.getLogicalType() != null && t.getType() != Schema.Type.RECORD) {
        String prim = "\"" + t.getType().getName() + "\"";
        form =
            form.replace(
                "{\"name\":\"" + f.name() + "\",\"type\":" + prim + "}",
                "{\"name\":\"" + f.name() + "\",\"type\":{\"type\":" + prim + "}}");
      }
    }
    return SchemaNormalization.fingerprint64(form.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Returns the current schema.
   *
   * @return the reader and writer schema
   */
  public Schema schema() {
    return schema;
  }

  /**
   * Returns the earlier versions of one record's schema that the bundled history index lists, in
   * its order (oldest first): what readers decode besides the current schema, and what a registry
   * holds before it.
   *
   * @param fullName the record's full name, for example {@code io.modstream.schemas.Comment}
   * @return the earlier versions, possibly none
   */
  public static List<Schema> history(String fullName) {
    List<Schema> schemas = new ArrayList<>();
    try (InputStream index = AvroCodec.class.getResourceAsStream(HISTORY + "index.txt")) {
      if (index == null) {
        return schemas;
      }
      for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String file = line.strip();
        if (file.isEmpty() || file.startsWith("#")) {
          continue;
        }
        try (InputStream in = AvroCodec.class.getResourceAsStream(HISTORY + file)) {
          if (in == null) {
            throw new IllegalStateException(
                "schema history lists " + file + " but it is not on the class path");
          }
          Schema s = new Schema.Parser().parse(in);
          if (s.getFullName().equals(fullName)) {
            schemas.add(s);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the bundled schema history: " + e.getMessage(), e);
    }
    return schemas;
  }
}

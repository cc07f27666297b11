package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CommentReaderTest {

  private final CommentReader reader = new CommentReader(null);

  private Comment read(String json, String key) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return reader.read(WireFormat.detect(bytes, null), "comments", key, bytes, null, 77L);
  }

  private static RecordDecodingException.Reason reason(Runnable r) {
    try {
      r.run();
    } catch (RecordDecodingException e) {
      return e.reason();
    }
    throw new AssertionError("no RecordDecodingException");
  }

  @Test
  void aMinimalJsonCommentTakesItsIdFromTheKeyAndItsTimeFromTheRecord() {
    Comment c = read("{\"text\": \"hi\"}", "k1");
    assertThat(c.getCommentId()).isEqualTo("k1");
    assertThat(c.getText()).isEqualTo("hi");
    assertThat(c.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(77));
    assertThat(c.getMetadata()).isEmpty();
    assertThat(c.getAuthorId()).isNull();
  }

  @Test
  void everyJsonFieldIsRead() {
    Comment c =
        read(
            "{\"comment_id\":\"c\",\"text\":\"t\",\"author_id\":\"a\",\"channel\":\"ch\","
                + "\"language\":\"pt-BR\",\"created_at\":\"2026-12-04T10:15:30.250Z\","
                + "\"metadata\":{\"k\":\"v\"},\"ignored\":{\"x\":1}}",
            "other-key");
    assertThat(c.getCommentId()).isEqualTo("c");
    assertThat(c.getAuthorId()).isEqualTo("a");
    assertThat(c.getChannel()).isEqualTo("ch");
    assertThat(c.getLanguage()).isEqualTo("pt-BR");
    assertThat(c.getCreatedAt()).isEqualTo(Instant.parse("2026-12-04T10:15:30.250Z"));
    assertThat(c.getMetadata()).isEqualTo(Map.of("k", "v"));
  }

  @Test
  void badJsonIsRejectedWithTheFieldNamed() {
    assertThatThrownBy(() -> read("{\"comment_id\": \"c\"}", null))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("field 'text' is missing");
    assertThatThrownBy(() -> read("{\"text\": \"x\"}", null))
        .hasMessageContaining("field 'comment_id' is missing and the record has no key");
    assertThatThrownBy(() -> read("{\"text\": [\"x\"]}", "k"))
        .hasMessageContaining("field 'text' must be a string, not an array");
    assertThatThrownBy(() -> read("{\"text\": \"x\", \"metadata\": {\"n\": 3}}", "k"))
        .hasMessageContaining("field 'metadata.n' must be a string, not a number");
    assertThatThrownBy(() -> read("{\"text\": \"x\", \"created_at\": 1.5}", "k"))
        .hasMessageContaining("field 'created_at' must be milliseconds");
    assertThat(reason(() -> read("{\"text\": 1}", "k")))
        .isEqualTo(RecordDecodingException.Reason.INVALID_FIELD);
    assertThat(reason(() -> read("{\"text\": \"x\",}", "k")))
        .isEqualTo(RecordDecodingException.Reason.INVALID_JSON);
    assertThatThrownBy(() -> read("{\"text\" \"x\"}", "k"))
        .hasMessageContaining("not well-formed JSON at line 1");
  }

  @Test
  void invalidUtf8IsRejectedAsInvalidJson() {
    byte[] bytes = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertThat(
            reason(
                () -> reader.read(WireFormat.JSON, "comments", "k", bytes, new RecordHeaders(), 0)))
        .isEqualTo(RecordDecodingException.Reason.INVALID_JSON);
  }

  @Test
  void theFormatComesFromTheHeaderOrTheFirstByte() {
    byte[] json = "  \n{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(WireFormat.detect(json, null)).isEqualTo(WireFormat.JSON);
    assertThat(WireFormat.detect(new byte[] {(byte) 0xC3, 1}, null)).isEqualTo(WireFormat.AVRO);
    assertThat(WireFormat.detect(new byte[] {0, 0, 0, 0, 1}, null)).isEqualTo(WireFormat.REGISTRY);
    RecordHeaders declaredJson = new RecordHeaders();
    declaredJson.add(WireFormat.CONTENT_TYPE_HEADER, "Application/JSON".getBytes());
    assertThat(WireFormat.detect(json, declaredJson)).isEqualTo(WireFormat.JSON);
    RecordHeaders avro = new RecordHeaders();
    avro.add(WireFormat.CONTENT_TYPE_HEADER, "application/vnd.apache.avro+binary".getBytes());
    assertThat(reason(() -> WireFormat.detect(json, avro)))
        .as("declared Avro, but JSON bytes")
        .isEqualTo(RecordDecodingException.Reason.UNKNOWN_FORMAT);
    assertThat(reason(() -> WireFormat.detect(new byte[0], null)))
        .isEqualTo(RecordDecodingException.Reason.UNKNOWN_FORMAT);
    assertThat(WireFormat.ofConfigName(" JSON ")).isEqualTo(WireFormat.JSON);
    assertThatThrownBy(() -> WireFormat.ofConfigName("protobuf"))
        .hasMessageContaining("use avro, registry or json");
  }

  @Test
  void aTruncatedAvroCommentIsCorruptWithAdviceAndNoJavaNames() {
    byte[] good =
        AvroCodec.of(Comment.class)
            .encode(
                Comment.newBuilder()
                    .setCommentId("c")
                    .setText("a text long enough")
                    .setCreatedAt(Instant.EPOCH)
                    .build());
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 6);
    assertThatThrownBy(() -> AvroCodec.of(Comment.class).decode(truncated))
        .hasMessageContaining("ends early or does not match")
        .hasMessageContaining("docs/wire-format.md")
        .hasMessageNotContaining("Exception")
        .hasMessageNotContaining("java.");
  }

  @Test
  void registryValuesWithoutARegistryNameTheSetting() {
    byte[] value = {0, 0, 0, 1, 2, 8, 'x'};
    assertThatThrownBy(
            () -> reader.read(WireFormat.REGISTRY, "comments", "k", value, new RecordHeaders(), 0))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("schema id 258")
        .hasMessageContaining("schema.registry.url")
        .extracting(e -> ((RecordDecodingException) e).reason())
        .isEqualTo(RecordDecodingException.Reason.NO_REGISTRY);
  }

  @Test
  void pythonAvrosFingerprintOfTheUnchangedSchemaIsRecognised() {
    // f9 cf 88 fb 6c 0e 73 b8: CRC-64-AVRO of python-avro 1.11.1's canonical form of Comment.avsc,
    // computed with Python (docs/wire-format.md).
    byte[] value = HexFormat.of().parseHex("c301f9cf88fb6c0e73b8" + "08632d3432");
    assertThatThrownBy(() -> AvroCodec.of(Comment.class).decode(value))
        .hasMessageContaining("fingerprint f9 cf 88 fb 6c 0e 73 b8")
        .hasMessageContaining("your schema is fine, write the bytes dc cb ba 0c 0a ed 72 dc")
        .extracting(e -> ((RecordDecodingException) e).reason())
        .isEqualTo(RecordDecodingException.Reason.UNKNOWN_SCHEMA);
    byte[] other = HexFormat.of().parseHex("c3010102030405060708" + "08632d3432");
    assertThatThrownBy(() -> AvroCodec.of(Comment.class).decode(other))
        .hasMessageContaining("fingerprint 01 02 03 04 05 06 07 08")
        .hasMessageContaining("known: dc cb ba 0c 0a ed 72 dc")
        .hasMessageNotContaining("your schema is fine");
  }
}

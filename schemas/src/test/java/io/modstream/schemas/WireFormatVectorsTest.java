package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The committed test vectors of docs/wire-format.md: every schema's fingerprint, and one comment
 * and one label event in each format. Clients in other languages check their encoders against the
 * same bytes, so the codecs must keep producing them and the page must keep quoting them.
 */
class WireFormatVectorsTest {

  private static final Path DOC = Path.of("..", "docs", "wire-format.md");

  /** The example comment of the page. */
  static Comment exampleComment() {
    return Comment.newBuilder()
        .setCommentId("c-42")
        .setText("You are brilliant")
        .setAuthorId(null)
        .setChannel("news-1")
        .setLanguage("en")
        .setCreatedAt(Instant.ofEpochMilli(1_764_892_800_000L))
        .setMetadata(Map.of())
        .build();
  }

  /** The example label event of the page. */
  static LabelEvent exampleEvent() {
    return LabelEvent.newBuilder()
        .setCommentId("c-42")
        .setModelName("toxicity")
        .setModelVersion("v7")
        .setScores(Map.of("toxic", 0.25))
        .setFlagged(List.of())
        .setDecidedAt(Instant.ofEpochMilli(1_764_892_800_123L))
        .setScoringLatencyMicros(4000)
        .build();
  }

  @Test
  void theFingerprintsAreTheCommittedOnes() throws IOException {
    String doc = Files.readString(DOC);
    for (Class<? extends SpecificRecord> type :
        List.of(Comment.class, LabelEvent.class, Feedback.class, ModelRelease.class)) {
      String hex = fingerprintHex(type);
      assertThat(vector(type.getSimpleName() + ".fingerprint.hex")).isEqualTo(hex);
      assertThat(doc).as("docs/wire-format.md quotes %s's fingerprint", type).contains(hex);
    }
  }

  @Test
  void theExampleCommentEncodesToTheCommittedBytesInEachFormat() throws IOException {
    String doc = Files.readString(DOC);
    byte[] avro = AvroCodec.of(Comment.class).encode(exampleComment());
    assertThat(hex(avro)).isEqualTo(vector("comment.avro.hex"));
    // The registry's wire format carries the same binary body behind 00 and a 4-byte id (1 here).
    byte[] body = Arrays.copyOfRange(avro, 10, avro.length);
    byte[] registry = new byte[5 + body.length];
    registry[4] = 1;
    System.arraycopy(body, 0, registry, 5, body.length);
    assertThat(hex(registry)).isEqualTo(vector("comment.registry-id1.hex"));
    String json = vector("comment.json");
    Comment fromJson = JsonRecords.comment(json.getBytes(StandardCharsets.UTF_8), null, 0);
    assertThat(fromJson).isEqualTo(exampleComment());
    assertThat(AvroCodec.of(Comment.class).decode(avro)).isEqualTo(exampleComment());
    assertThat(WireFormat.detect(avro, null)).isEqualTo(WireFormat.AVRO);
    assertThat(WireFormat.detect(registry, null)).isEqualTo(WireFormat.REGISTRY);
    assertThat(WireFormat.detect(json.getBytes(StandardCharsets.UTF_8), null))
        .isEqualTo(WireFormat.JSON);
    for (String v : List.of(hex(avro), hex(registry), json)) {
      assertThat(doc).as("docs/wire-format.md quotes %s", v).contains(v);
    }
  }

  @Test
  void theExampleEventEncodesToTheCommittedBytesInEachFormat() throws IOException {
    String doc = Files.readString(DOC);
    byte[] avro = AvroCodec.of(LabelEvent.class).encode(exampleEvent());
    assertThat(hex(avro)).isEqualTo(vector("label-event.avro.hex"));
    String json = new String(JsonRecords.labelEvent(exampleEvent()), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo(vector("label-event.json"));
    assertThat(JsonRecords.labelEvent(json.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(exampleEvent());
    assertThat(doc).contains(hex(avro), json);
  }

  private static String fingerprintHex(Class<? extends SpecificRecord> type) {
    return AvroCodec.wireHex(
        SchemaNormalization.parsingFingerprint64(SpecificDataHolder.schema(type)));
  }

  static String hex(byte[] bytes) {
    HexFormat f = HexFormat.ofDelimiter(" ");
    return f.formatHex(bytes);
  }

  private static String vector(String name) throws IOException {
    try (InputStream in = WireFormatVectorsTest.class.getResourceAsStream("vectors/" + name)) {
      assertThat(in).as("test vector %s is committed", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /** The generated class's schema. */
  private static final class SpecificDataHolder {
    static org.apache.avro.Schema schema(Class<? extends SpecificRecord> type) {
      return org.apache.avro.specific.SpecificData.get().getSchema(type);
    }
  }
}

package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Old and new schema versions read each other's bytes without a registry. */
class SchemaEvolutionTest {

  private static final Instant CREATED = Instant.parse("2026-11-22T10:15:30.123Z");

  private static Schema load(String resource) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }

  private static Comment comment() {
    return Comment.newBuilder()
        .setCommentId("c-1")
        .setText("you are \u00fcber wrong \ud83d\ude00")
        .setAuthorId("u-9")
        .setChannel("news/42")
        .setLanguage("en")
        .setCreatedAt(CREATED)
        .setMetadata(Map.of("client", "web"))
        .build();
  }

  @Test
  void newReaderDecodesBytesFromTheOldWriter() throws IOException {
    Schema v2 = load("/evolution/Comment-v2.avsc");
    byte[] oldBytes = AvroCodec.of(Comment.class).encode(comment());

    BinaryMessageDecoder<GenericRecord> newReader =
        new BinaryMessageDecoder<>(GenericData.get(), v2);
    newReader.addSchema(Comment.getClassSchema());
    GenericRecord decoded = newReader.decode(oldBytes);

    assertThat(decoded.get("comment_id").toString()).isEqualTo("c-1");
    assertThat(decoded.get("text").toString()).isEqualTo(comment().getText());
    assertThat(decoded.get("channel").toString()).isEqualTo("news/42");
    assertThat(decoded.get("reply_to")).as("added field takes its default").isNull();
  }

  @Test
  void oldReaderDecodesBytesFromTheNewWriterOnceItKnowsTheNewSchema() throws IOException {
    Schema v2 = load("/evolution/Comment-v2.avsc");
    GenericRecord newer = new GenericData.Record(v2);
    newer.put("comment_id", "c-2");
    newer.put("text", "a reply");
    newer.put("author_id", null);
    newer.put("channel", null);
    newer.put("language", null);
    newer.put("created_at", CREATED.toEpochMilli());
    newer.put("metadata", Map.of());
    newer.put("reply_to", "c-1");
    byte[] newBytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(newer).array();

    Comment decoded = AvroCodec.of(Comment.class, List.of(v2)).decode(newBytes);

    assertThat(decoded.getCommentId()).isEqualTo("c-2");
    assertThat(decoded.getText()).isEqualTo("a reply");
    assertThat(decoded.getCreatedAt()).isEqualTo(CREATED);
    assertThat(decoded.getAuthorId()).isNull();
  }

  @Test
  void oldReaderThatDoesNotKnowTheNewSchemaSaysHowToFixIt() throws IOException {
    Schema v2 = load("/evolution/Comment-v2.avsc");
    GenericRecord newer = new GenericData.Record(v2);
    newer.put("comment_id", "c-3");
    newer.put("text", "x");
    newer.put("created_at", 0L);
    newer.put("metadata", Map.of());
    byte[] newBytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(newer).array();

    assertThatThrownBy(() -> AvroCodec.of(Comment.class).decode(newBytes))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("which is no Comment schema this pipeline knows")
        .hasMessageContaining("add your version to its schema history")
        .satisfies(
            e ->
                assertThat(((RecordDecodingException) e).reason())
                    .isEqualTo(RecordDecodingException.Reason.UNKNOWN_SCHEMA));
  }

  @Test
  void enumSymbolFromANewerWriterReadsAsUnknown() throws IOException {
    Schema v2 = load("/evolution/Feedback-v2.avsc");
    GenericRecord newer = new GenericData.Record(v2);
    newer.put("comment_id", "c-4");
    newer.put("text", "t");
    newer.put("labels", Map.of("toxic", true));
    newer.put(
        "source", new GenericData.EnumSymbol(v2.getField("source").schema(), "TRUSTED_FLAGGER"));
    newer.put("reviewer_id", "r-1");
    newer.put("created_at", CREATED.toEpochMilli());
    byte[] newBytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(newer).array();

    Feedback decoded = AvroCodec.of(Feedback.class, List.of(v2)).decode(newBytes);

    assertThat(decoded.getSource()).isEqualTo(FeedbackSource.UNKNOWN);
    assertThat(decoded.getLabels()).containsEntry("toxic", true);
  }

  @Test
  void theCurrentReleaseReaderDecodesAnUnsignedReleaseOfTheFirstSchema() throws IOException {
    Schema v1 = load("/io/modstream/schemas/history/ModelRelease-v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("model_name", "toxicity");
    old.put("version", "v6");
    old.put("bundle_uri", "file:///store/toxicity/v6/");
    old.put("bundle_sha256", "ab".repeat(32));
    old.put("metrics", Map.of("mean_roc_auc", 0.96));
    old.put("parent_version", null);
    old.put("created_at", CREATED.toEpochMilli());
    byte[] oldBytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    ModelRelease decoded = AvroCodec.of(ModelRelease.class).decode(oldBytes);

    assertThat(decoded.getVersion()).isEqualTo("v6");
    assertThat(decoded.getCreatedAt()).isEqualTo(CREATED);
    assertThat(decoded.getKeyId()).as("added field takes its default").isNull();
    assertThat(decoded.getSignature()).isNull();
  }

  @Test
  void aReaderOfTheFirstReleaseSchemaDecodesASignedReleaseAndIgnoresTheSignature()
      throws IOException {
    Schema v1 = load("/io/modstream/schemas/history/ModelRelease-v1.avsc");
    ModelRelease signed =
        ModelRelease.newBuilder()
            .setModelName("toxicity")
            .setVersion("v7")
            .setBundleUri("kafka://model-bundles/toxicity/v7")
            .setBundleSha256("cd".repeat(32))
            .setCreatedAt(CREATED)
            .setKeyId("0123456789abcdef")
            .setSignature(java.nio.ByteBuffer.wrap(new byte[64]))
            .build();
    byte[] newBytes = AvroCodec.of(ModelRelease.class).encode(signed);

    BinaryMessageDecoder<GenericRecord> oldReader =
        new BinaryMessageDecoder<>(GenericData.get(), v1);
    oldReader.addSchema(ModelRelease.getClassSchema());
    GenericRecord decoded = oldReader.decode(newBytes);

    assertThat(decoded.get("version").toString()).isEqualTo("v7");
    assertThat(decoded.get("bundle_sha256").toString()).isEqualTo("cd".repeat(32));
    assertThat(decoded.getSchema().getField("signature")).isNull();
  }

  @Test
  void labelEventsOfTheFirstVersionReadWithoutExplanations() throws IOException {
    Schema v1 = load("/io/modstream/schemas/history/LabelEvent-v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("comment_id", "c-5");
    old.put("model_name", "toxicity");
    old.put("model_version", "v1");
    old.put("scores", Map.of("toxic", 0.9));
    old.put("flagged", List.of("toxic"));
    old.put("decided_at", CREATED.toEpochMilli());
    old.put("scoring_latency_micros", 1000L);
    byte[] oldBytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    LabelEvent decoded = AvroCodec.of(LabelEvent.class).decode(oldBytes);

    assertThat(decoded.getFlagged()).containsExactly("toxic");
    assertThat(decoded.getExplanations()).as("the added field takes its default").isNull();
  }

  @Test
  void explanationsSurviveAvroAndJson() {
    LabelEvent event =
        LabelEvent.newBuilder()
            .setCommentId("c-6")
            .setModelName("toxicity")
            .setModelVersion("v2")
            .setScores(Map.of("toxic", 0.97))
            .setFlagged(List.of("toxic"))
            .setDecidedAt(CREATED)
            .setScoringLatencyMicros(2000)
            .setExplanations(
                Map.of("toxic", List.of(new Span("idiot", 2.5), new Span("stupid", 1.25))))
            .build();

    AvroCodec<LabelEvent> codec = AvroCodec.of(LabelEvent.class);
    assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    assertThat(JsonRecords.labelEvent(JsonRecords.labelEvent(event))).isEqualTo(event);
  }
}

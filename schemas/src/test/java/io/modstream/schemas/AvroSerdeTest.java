package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static final Instant T = Instant.parse("2026-11-22T00:00:00Z");

  @Test
  void everyContractRoundTrips() {
    roundTrip(
        Comment.class,
        Comment.newBuilder().setCommentId("c").setText("hi").setCreatedAt(T).build());
    roundTrip(
        LabelEvent.class,
        LabelEvent.newBuilder()
            .setCommentId("c")
            .setModelName("toxicity-bilstm")
            .setModelVersion("v1")
            .setScores(Map.of("toxic", 0.91, "threat", 0.02))
            .setFlagged(List.of("toxic"))
            .setDecidedAt(T)
            .setScoringLatencyMicros(1234)
            .build());
    roundTrip(
        Feedback.class,
        Feedback.newBuilder()
            .setCommentId("c")
            .setText("hi")
            .setLabels(Map.of("toxic", false))
            .setSource(FeedbackSource.APPEAL)
            .setReviewerId("mod-7")
            .setCreatedAt(T)
            .build());
    roundTrip(
        ModelRelease.class,
        ModelRelease.newBuilder()
            .setModelName("toxicity-bilstm")
            .setVersion("v2")
            .setBundleUri("file:///models/v2")
            .setBundleSha256("ab".repeat(32))
            .setMetrics(Map.of("mean_roc_auc", 0.96))
            .setParentVersion("v1")
            .setCreatedAt(T)
            .build());
  }

  private static <T extends SpecificRecord> void roundTrip(Class<T> type, T record) {
    AvroSerde<T> serde = AvroSerde.of(type);
    byte[] bytes = serde.serialize("topic", record);
    assertThat(bytes[0]).as("single-object marker").isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(serde.deserialize("topic", bytes)).isEqualTo(record);
  }

  @Test
  void nullIsATombstoneBothWays() {
    AvroSerde<Comment> serde = AvroSerde.of(Comment.class);
    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", null)).isNull();
  }

  @Test
  void garbageAndTruncatedBytesFailWithTheirReason() {
    AvroCodec<Comment> codec = AvroCodec.of(Comment.class);
    assertThatThrownBy(() -> codec.decode("{\"text\":\"json\"}".getBytes()))
        .isInstanceOf(RecordDecodingException.class)
        .satisfies(
            e ->
                assertThat(((RecordDecodingException) e).reason())
                    .isEqualTo(RecordDecodingException.Reason.NOT_AVRO));
    byte[] good =
        codec.encode(
            Comment.newBuilder()
                .setCommentId("c-1")
                .setText("a longer text")
                .setCreatedAt(T)
                .build());
    byte[] truncated = Arrays.copyOf(good, good.length - 6);
    assertThatThrownBy(() -> codec.decode(truncated))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("ends early")
        .satisfies(
            e ->
                assertThat(((RecordDecodingException) e).reason())
                    .isEqualTo(RecordDecodingException.Reason.CORRUPT));
  }

  @Test
  void aRecordMissingARequiredFieldIsRefusedAtTheProducer() {
    Comment incomplete = new Comment();
    incomplete.setCommentId("c");
    assertThatThrownBy(() -> AvroCodec.of(Comment.class).encode(incomplete))
        .isInstanceOf(RecordEncodingException.class)
        .hasMessageContaining("Comment");
  }

  @Test
  void everySchemaFieldIsDocumented() {
    for (Schema s :
        List.of(
            Comment.getClassSchema(),
            LabelEvent.getClassSchema(),
            Feedback.getClassSchema(),
            ModelRelease.getClassSchema())) {
      assertThat(s.getDoc()).as(s.getName()).isNotBlank();
      for (Schema.Field f : s.getFields()) {
        assertThat(f.doc()).as(s.getName() + "." + f.name()).isNotBlank();
      }
    }
  }
}

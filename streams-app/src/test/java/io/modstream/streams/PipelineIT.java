package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.AvroSerde;
import io.modstream.schemas.Comment;
import io.modstream.schemas.LabelEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 comments, half in Avro and half in JSON, some malformed, through the real topology on a
 * real broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineIT {

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);
  private static final String[] BAD = {
    "INVALID_FIELD", "NULL_VALUE", "EMPTY_TEXT", "TEXT_TOO_LARGE", "CORRUPT", "UNKNOWN_FORMAT"
  };
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyGoodCommentGetsExactlyOneEventAndEveryBadOneIsDeadLettered(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String app = "pipeline-it-" + System.nanoTime();
    Map<String, Object> settings = new HashMap<>();
    settings.put(ScorerConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    settings.put(ScorerConfig.APPLICATION_ID, app);
    settings.put(ScorerConfig.MODEL_PATH, modelDir.toString());
    settings.put(ScorerConfig.STATE_DIR, dir.resolve("state").toString());
    settings.put(ScorerConfig.TEXT_MAX_BYTES, 4096);
    settings.put(ScorerConfig.BATCH_SIZE, 64);
    settings.put(ScorerConfig.TOPIC_COMMENTS, app + "-comments");
    settings.put(ScorerConfig.TOPIC_LABELS, app + "-labels");
    settings.put(ScorerConfig.TOPIC_FLAGGED_PREFIX, app + "-flagged-");
    settings.put(ScorerConfig.TOPIC_DLQ, app + "-dlq");
    ScorerConfig cfg = new ScorerConfig(settings);
    ModelHolder models = new ModelHolder(ModerationModel.of(ModelBundle.load(modelDir)));
    TopicSetup.createMissing(
        broker.bootstrapServers(), TopicSetup.specs(cfg, models.current().labels()), 3);

    Set<String> good = new HashSet<>();
    Map<String, String> expectedReason = new HashMap<>();
    List<String> texts = TestData.sample(2000).texts();
    try (KafkaStreams streams =
            new KafkaStreams(ScoringTopology.build(cfg, models), cfg.streamsProperties());
        KafkaProducer<String, byte[]> producer = ItSupport.producer(broker.bootstrapServers())) {
      streams.start();
      for (int i = 0; i < 2000; i++) {
        String key = "c-" + i;
        byte[] value;
        if (i % 40 == 7) {
          String reason = BAD[(i / 40) % BAD.length];
          expectedReason.put(key, reason);
          value =
              switch (reason) {
                case "INVALID_FIELD" ->
                    ("{\"comment_id\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
                case "UNKNOWN_FORMAT" -> ("plain " + key).getBytes(StandardCharsets.UTF_8);
                case "NULL_VALUE" -> null;
                case "EMPTY_TEXT" -> encode(key, "   ");
                case "TEXT_TOO_LARGE" -> encode(key, "a".repeat(5000));
                default -> {
                  byte[] b = encode(key, texts.get(i) + " and then some more words");
                  yield Arrays.copyOf(b, b.length - 8);
                }
              };
        } else {
          String text = texts.get(i).isBlank() ? "blank sample row" : texts.get(i);
          if (text.getBytes(StandardCharsets.UTF_8).length > 4096) {
            expectedReason.put(key, "TEXT_TOO_LARGE"); // a real sample comment over text.max.bytes
          } else {
            good.add(key);
          }
          value =
              i % 2 == 0
                  ? encode(key, text)
                  : JSON.writeValueAsBytes(Map.of("comment_id", key, "text", text));
        }
        producer.send(new ProducerRecord<>(cfg.getString(ScorerConfig.TOPIC_COMMENTS), key, value));
      }
      producer.flush();

      List<ConsumerRecord<String, byte[]>> events =
          ItSupport.readUntil(
              broker.bootstrapServers(),
              cfg.getString(ScorerConfig.TOPIC_LABELS),
              Duration.ofSeconds(180),
              got -> got.size() >= good.size());
      // Keep reading briefly: a duplicate would arrive after the last expected event.
      events.addAll(extra(broker, cfg.getString(ScorerConfig.TOPIC_LABELS), events.size()));
      List<ConsumerRecord<String, byte[]>> dead =
          ItSupport.readUntil(
              broker.bootstrapServers(),
              cfg.getString(ScorerConfig.TOPIC_DLQ),
              Duration.ofSeconds(60),
              got -> got.size() >= expectedReason.size());

      AvroSerde<LabelEvent> serde = AvroSerde.of(LabelEvent.class);
      List<String> keys = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : events) {
        LabelEvent e = serde.deserialize(r.topic(), r.value());
        assertThat(e.getCommentId()).isEqualTo(r.key());
        assertThat(e.getModelVersion()).isEqualTo("t1");
        keys.add(r.key());
      }
      assertThat(keys)
          .as("one event per good comment, no duplicates")
          .hasSize(good.size())
          .doesNotHaveDuplicates();
      assertThat(new HashSet<>(keys)).isEqualTo(good);

      Map<String, String> reasons = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r : dead) {
        reasons.put(
            r.key(),
            new String(
                r.headers().lastHeader(DeadLetter.REASON_HEADER).value(), StandardCharsets.UTF_8));
        assertThat(r.headers().lastHeader(DeadLetter.OFFSET_HEADER)).isNotNull();
      }
      assertThat(dead).hasSize(expectedReason.size());
      assertThat(reasons).isEqualTo(expectedReason);
    }
  }

  private static List<ConsumerRecord<String, byte[]>> extra(
      KafkaBrokerExtension.Broker broker, String topic, int seen) {
    List<ConsumerRecord<String, byte[]>> all =
        ItSupport.readUntil(broker.bootstrapServers(), topic, Duration.ofSeconds(3), got -> false);
    return all.subList(Math.min(seen, all.size()), all.size());
  }

  private static byte[] encode(String id, String text) {
    return CODEC.encode(
        Comment.newBuilder().setCommentId(id).setText(text).setCreatedAt(Instant.now()).build());
  }
}

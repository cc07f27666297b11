package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.JsonRecords;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.Topics;
import io.modstream.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringTopologyTest {

  @TempDir static Path dir;
  static Path modelDir;
  static ModelHolder models;

  private static final AvroCodec<Comment> COMMENTS = AvroCodec.of(Comment.class);
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> input;
  private TestOutputTopic<String, LabelEvent> labels;
  private TestOutputTopic<String, byte[]> dlq;

  @BeforeAll
  static void model() throws Exception {
    modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    models = new ModelHolder(ModerationModel.of(ModelBundle.load(modelDir)));
  }

  static ScorerConfig config(Map<String, Object> overrides) {
    Map<String, Object> m = new HashMap<>();
    m.put(ScorerConfig.MODEL_PATH, modelDir.toString());
    m.put(ScorerConfig.BATCH_SIZE, 3);
    m.put(ScorerConfig.BATCH_MAX_WAIT_MS, 100L);
    m.put(ScorerConfig.TEXT_MAX_BYTES, 200);
    m.putAll(overrides);
    return new ScorerConfig(m);
  }

  void start(ScorerConfig cfg) {
    Properties props = cfg.streamsProperties();
    props.put("state.dir", dir.resolve("state").toString());
    driver =
        new TopologyTestDriver(
            ScoringTopology.build(cfg, models), props, Instant.parse("2026-11-22T00:00:00Z"));
    input =
        driver.createInputTopic(
            Topics.COMMENTS.name(), new StringSerializer(), new ByteArraySerializer());
    labels =
        driver.createOutputTopic(
            Topics.COMMENT_LABELS.name(),
            Topics.COMMENT_LABELS.keySerde().deserializer(),
            Topics.COMMENT_LABELS.valueSerde().deserializer());
    dlq =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(),
            Topics.DEAD_LETTERS.keySerde().deserializer(),
            Topics.DEAD_LETTERS.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  static byte[] comment(String id, String text) {
    return COMMENTS.encode(
        Comment.newBuilder().setCommentId(id).setText(text).setCreatedAt(Instant.EPOCH).build());
  }

  @Test
  void aFullBatchIsScoredAtOnceWithOneEventPerComment() {
    start(config(Map.of()));
    input.pipeInput("c1", comment("c1", "thank you for the edit"));
    input.pipeInput("c2", comment("c2", "you are an idiot"));
    assertThat(labels.isEmpty()).as("batch of 3 not full yet").isTrue();
    input.pipeInput("c3", comment("c3", "please cite a source"));
    List<TestRecord<String, LabelEvent>> events = labels.readRecordsToList();
    assertThat(events).extracting(TestRecord::key).containsExactly("c1", "c2", "c3");
    assertThat(metric("scored-comment-total")).isEqualTo(3.0);
    assertThat(metric("score-batch-total")).isEqualTo(1.0);
    for (TestRecord<String, LabelEvent> e : events) {
      assertThat(e.value().getCommentId()).isEqualTo(e.key());
      assertThat(e.value().getModelVersion()).isEqualTo("t1");
      assertThat(e.value().getModelName()).isEqualTo("tiny");
      assertThat(e.value().getScores()).containsOnlyKeys(models.current().labels());
      assertThat(e.value().getScores().values()).allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
    }
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void aPartialBatchIsScoredWhenItsOldestCommentHasWaitedLongEnough() {
    start(config(Map.of()));
    input.pipeInput("c1", comment("c1", "hello there"));
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertThat(labels.isEmpty()).as("waited 60 of 100 ms").isTrue();
    driver.advanceWallClockTime(Duration.ofMillis(60));
    List<TestRecord<String, LabelEvent>> events = labels.readRecordsToList();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).value().getScoringLatencyMicros()).isGreaterThanOrEqualTo(100_000);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(labels.isEmpty()).as("nothing scored twice").isTrue();
  }

  @Test
  void badInputGoesToTheDeadLetterTopicWithItsReasonAndOriginalBytes() {
    start(config(Map.of()));
    byte[] noText = utf8("{\"comment_id\":\"x\"}");
    byte[] good = comment("c9", "a comment long enough to truncate");
    byte[] truncated = Arrays.copyOf(good, good.length - 5);
    byte[] unknownSchema = good.clone();
    unknownSchema[2] ^= 0x5A;
    byte[] badMarker = good.clone();
    badMarker[1] = 0x02;
    Map<String, byte[]> values = new LinkedHashMap<>();
    values.put("k-json", noText);
    values.put("k-null", null);
    values.put("k-empty", comment("e", ""));
    values.put("k-blank", comment("b", " \n\t "));
    values.put("k-large", comment("l", "x".repeat(201)));
    values.put("k-trunc", truncated);
    values.put("k-schema", unknownSchema);
    values.put("k-text", utf8("hello, plain text"));
    values.put("k-broken", utf8("{\"text\": \"unterminated}"));
    values.put("k-type", utf8("{\"comment_id\": \"t\", \"text\": 42}"));
    values.put("k-time", utf8("{\"text\": \"hi\", \"created_at\": \"yesterday\"}"));
    values.put("k-registry", new byte[] {0, 0, 0, 0, 7, 2, 'x'});
    values.put("k-marker", badMarker);
    values.forEach(input::pipeInput);
    TestRecord<String, byte[]> declared =
        new TestRecord<>(
            "k-ctype",
            utf8("{\"text\": \"hi\"}"),
            new RecordHeaders().add(WireFormat.CONTENT_TYPE_HEADER, utf8("text/plain")));
    input.pipeInput(declared);
    values.put("k-ctype", declared.value());
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertThat(labels.isEmpty()).isTrue();
    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    Map<String, String> reasons = new HashMap<>();
    Map<String, String> details = new HashMap<>();
    for (int i = 0; i < dead.size(); i++) {
      TestRecord<String, byte[]> r = dead.get(i);
      reasons.put(r.key(), header(r.headers(), DeadLetter.REASON_HEADER));
      details.put(r.key(), header(r.headers(), DeadLetter.DETAIL_HEADER));
      assertThat(header(r.headers(), DeadLetter.TOPIC_HEADER)).isEqualTo(Topics.COMMENTS.name());
      assertThat(header(r.headers(), DeadLetter.OFFSET_HEADER)).isEqualTo(Integer.toString(i));
      assertThat(header(r.headers(), DeadLetter.DETAIL_HEADER)).isNotBlank();
      assertThat(r.value()).as("original bytes kept").isEqualTo(values.get(r.key()));
    }
    Map<String, String> expected = new HashMap<>();
    expected.put("k-json", "INVALID_FIELD");
    expected.put("k-null", "NULL_VALUE");
    expected.put("k-empty", "EMPTY_TEXT");
    expected.put("k-blank", "EMPTY_TEXT");
    expected.put("k-large", "TEXT_TOO_LARGE");
    expected.put("k-trunc", "CORRUPT");
    expected.put("k-schema", "UNKNOWN_SCHEMA");
    expected.put("k-text", "UNKNOWN_FORMAT");
    expected.put("k-broken", "INVALID_JSON");
    expected.put("k-type", "INVALID_FIELD");
    expected.put("k-time", "INVALID_FIELD");
    expected.put("k-registry", "NO_REGISTRY");
    expected.put("k-marker", "NOT_AVRO");
    expected.put("k-ctype", "UNKNOWN_FORMAT");
    assertThat(reasons).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(details.get("k-json")).contains("'text'", "missing");
    assertThat(details.get("k-type")).contains("'text'", "must be a string, not a number");
    assertThat(details.get("k-time")).contains("'created_at'", "ISO-8601");
    assertThat(details.get("k-text")).contains("68 65 6c 6c", "JSON object", "Avro");
    assertThat(details.get("k-registry")).contains("schema id 7", "schema.registry.url");
    assertThat(details.get("k-ctype")).contains("text/plain", "application/json");
    assertThat(details.get("k-schema"))
        .contains("known: ", AvroCodec.of(Comment.class).knownFingerprints().get(0))
        .doesNotContain("java", "Java", "AvroCodec", ".avsc");
    assertThat(metric("dead-letter-total")).isEqualTo(14.0);
    assertThat(metric("scored-comment-total")).isEqualTo(0.0);
  }

  @Test
  void jsonCommentsAreScoredLikeAvroOnes() {
    start(config(Map.of()));
    input.pipeInput("a1", comment("a1", "you are an idiot"));
    input.pipeInput(
        "j1",
        utf8(
            "\uFEFF {\"comment_id\": \"j1\", \"text\": \"you are an idiot\","
                + " \"author_id\": null, \"created_at\": \"2026-12-04T10:15:30Z\","
                + " \"metadata\": {\"site\": \"forum\"}, \"extra\": [1, 2]}"));
    TestRecord<String, byte[]> declared =
        new TestRecord<>(
            "j2",
            utf8("{\"text\": \"you are an idiot\"}"),
            new RecordHeaders()
                .add(WireFormat.CONTENT_TYPE_HEADER, utf8("application/json; charset=utf-8")));
    input.pipeInput(declared);
    List<TestRecord<String, LabelEvent>> events = labels.readRecordsToList();
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(events).extracting(TestRecord::key).containsExactly("a1", "j1", "j2");
    assertThat(events.get(2).value().getCommentId()).as("id from the key").isEqualTo("j2");
    assertThat(events.get(1).value().getScores()).isEqualTo(events.get(0).value().getScores());
    assertThat(events.get(2).value().getScores()).isEqualTo(events.get(0).value().getScores());
  }

  @Test
  void theJsonOutputFormatWritesReadableEventsAndSaysSo() {
    start(config(Map.of(ScorerConfig.OUTPUT_FORMAT, "json", ScorerConfig.BATCH_SIZE, 1)));
    TestOutputTopic<String, byte[]> raw =
        driver.createOutputTopic(
            Topics.COMMENT_LABELS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    input.pipeInput("c1", comment("c1", "thank you for the edit"));
    TestRecord<String, byte[]> r = raw.readRecord();
    assertThat(header(r.headers(), WireFormat.CONTENT_TYPE_HEADER)).isEqualTo("application/json");
    String json = new String(r.value(), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\"comment_id\":\"c1\",\"model_name\":\"tiny\"");
    LabelEvent event = JsonRecords.labelEvent(r.value());
    assertThat(event.getScores()).containsOnlyKeys(models.current().labels());
    assertThat(event.getModelVersion()).isEqualTo("t1");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void flaggedCommentsAlsoGoToTheirLabelsTopics() {
    start(config(Map.of(ScorerConfig.TEXT_MAX_BYTES, 65_536)));
    List<String> texts = TestData.sample(120).texts();
    for (int i = 0; i < texts.size(); i++) {
      input.pipeInput("c" + i, comment("c" + i, texts.get(i).isBlank() ? "empty" : texts.get(i)));
    }
    List<TestRecord<String, LabelEvent>> events = labels.readRecordsToList();
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(events).hasSize(120);
    Map<String, Set<String>> topicsByKey = new HashMap<>();
    int flaggedTotal = 0;
    for (String label : models.current().labels()) {
      TestOutputTopic<String, LabelEvent> topic =
          driver.createOutputTopic(
              Topics.flagged(Topics.FLAGGED_PREFIX, label).name(),
              new StringDeserializer(),
              Topics.COMMENT_LABELS.valueSerde().deserializer());
      for (TestRecord<String, LabelEvent> r : topic.readRecordsToList()) {
        assertThat(r.value().getFlagged()).contains(label);
        topicsByKey.computeIfAbsent(r.key(), k -> new HashSet<>()).add(label);
        flaggedTotal++;
      }
    }
    for (TestRecord<String, LabelEvent> e : events) {
      assertThat(topicsByKey.getOrDefault(e.key(), Set.of()))
          .as("per-label topics of %s", e.key())
          .containsExactlyInAnyOrderElementsOf(e.value().getFlagged());
    }
    assertThat(flaggedTotal)
        .as("the sample holds toxic comments; some must be flagged")
        .isPositive();
  }

  @Test
  void aRecordWithoutAKeyIsKeyedByItsCommentId() {
    start(config(Map.of(ScorerConfig.BATCH_SIZE, 1)));
    input.pipeInput((String) null, comment("from-body", "hello"));
    assertThat(labels.readRecord().key()).isEqualTo("from-body");
  }

  @Test
  void everyNodeAndStoreIsNamed() {
    Topology topology = ScoringTopology.build(config(Map.of()), models);
    Set<String> nodes = new HashSet<>();
    Set<String> stores = new HashSet<>();
    for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        nodes.add(node.name());
        if (node instanceof TopologyDescription.Processor p) {
          stores.addAll(p.stores());
        }
      }
    }
    assertThat(nodes)
        .contains(
            ScoringTopology.SOURCE,
            ScoringTopology.PROCESSOR,
            ScoringTopology.LABELS_SINK,
            ScoringTopology.DLQ_SINK,
            ScoringTopology.flaggedSink("threat"),
            ScoringTopology.flaggedSink("identity_hate"));
    assertThat(nodes).hasSize(4 + models.current().labels().size());
    assertThat(stores).containsExactly(ScoringTopology.BUFFER_STORE);
  }

  private double metric(String name) {
    return driver.metrics().entrySet().stream()
        .filter(
            e ->
                e.getKey().name().equals(name)
                    && e.getKey().group().equals("stream-modstream-metrics"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .sum();
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}

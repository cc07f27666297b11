package io.modstream.streams;

import io.modstream.schemas.CommentReader;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The scoring topology, built by one method for {@code main} and the tests alike:
 *
 * <pre>
 * comments-source -> score-comments (+ pending-comments store, changelogged)
 *   -> labels-sink (comment-labels)
 *   -> flagged-&lt;label&gt;-sink (comments-flagged-&lt;label&gt;), one per model label
 *   -> dlq-sink (comments-dlq)
 * </pre>
 *
 * Values are read as bytes and decoded in the processor (JSON, Avro single-object or the registry's
 * wire format, told apart per record), so a record that cannot be decoded reaches the dead-letter
 * topic with its original bytes and source position. Label events are written in {@code
 * output.format}.
 */
public final class ScoringTopology {

  /** The source node. */
  public static final String SOURCE = "comments-source";

  /** The scoring processor. */
  public static final String PROCESSOR = "score-comments";

  /** The changelog-backed buffer of comments waiting for their batch. */
  public static final String BUFFER_STORE = "pending-comments";

  /** The label event sink. */
  public static final String LABELS_SINK = "labels-sink";

  /** The dead-letter sink. */
  public static final String DLQ_SINK = "dlq-sink";

  private ScoringTopology() {}

  /**
   * Returns the name of a label's sink node.
   *
   * @param label a model label
   * @return the node name
   */
  public static String flaggedSink(String label) {
    return "flagged-" + label + "-sink";
  }

  /**
   * Builds the topology for the labels of the served model.
   *
   * @param config the validated configuration
   * @param models the served model
   * @return the topology
   */
  public static Topology build(ScorerConfig config, ModelHolder models) {
    return build(config, models, ScoringMetrics.off());
  }

  /**
   * Builds the topology for the labels of the served model, recording into {@code metrics}.
   *
   * @param config the validated configuration
   * @param models the served model
   * @param metrics where the processors count what they score, flag and dead-letter
   * @return the topology
   */
  public static Topology build(ScorerConfig config, ModelHolder models, ScoringMetrics metrics) {
    List<String> labels = models.current().labels();
    Map<String, String> flaggedSinks = new LinkedHashMap<>();
    labels.forEach(l -> flaggedSinks.put(l, flaggedSink(l)));
    int batchSize = config.getInt(ScorerConfig.BATCH_SIZE);
    long maxWait = config.getLong(ScorerConfig.BATCH_MAX_WAIT_MS);
    int maxText = config.getInt(ScorerConfig.TEXT_MAX_BYTES);
    Serializer<String> keys = Topics.COMMENT_LABELS.keySerde().serializer();
    SchemaRegistry registry = config.schemaRegistry();
    Serializer<LabelEvent> events = LabelEventSerializer.of(config.outputFormat(), registry);
    // One reader for all tasks: the registry's schema cache is then shared, as in one consumer.
    CommentReader reader = new CommentReader(registry);

    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        config.getString(ScorerConfig.TOPIC_COMMENTS));
    topology.addProcessor(
        PROCESSOR,
        () ->
            new ScoringProcessor(
                models, reader, batchSize, maxWait, maxText, flaggedSinks, metrics),
        SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
            .withLoggingEnabled(Map.of())
            // A comment scored before the next commit never reaches the changelog with its
            // text: the cache folds its put and delete into one tombstone at the commit.
            .withCachingEnabled(),
        PROCESSOR);
    topology.addSink(
        LABELS_SINK, config.getString(ScorerConfig.TOPIC_LABELS), keys, events, PROCESSOR);
    String prefix = config.getString(ScorerConfig.TOPIC_FLAGGED_PREFIX);
    flaggedSinks.forEach(
        (label, sink) ->
            topology.addSink(sink, Topics.flagged(prefix, label).name(), keys, events, PROCESSOR));
    topology.addSink(
        DLQ_SINK,
        config.getString(ScorerConfig.TOPIC_DLQ),
        keys,
        Topics.DEAD_LETTERS.valueSerde().serializer(),
        PROCESSOR);
    return topology;
  }
}

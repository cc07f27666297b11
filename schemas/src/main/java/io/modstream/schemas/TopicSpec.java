package io.modstream.schemas;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic of the pipeline: its name, the serdes of its records (keys are always strings), how it
 * is partitioned and its topic-level settings. The defaults live in {@link Topics}; a deployment
 * that renames a topic takes {@link #withName}. Immutable.
 *
 * @param <V> the record value type
 * @param name the topic name
 * @param valueSerde the value serde
 * @param keyedByComment whether records are keyed by comment id and spread over the pipeline's
 *     partitions (otherwise the topic has one partition)
 * @param configs topic-level settings (retention, compaction)
 */
public record TopicSpec<V>(
    String name, Serde<V> valueSerde, boolean keyedByComment, Map<String, String> configs) {

  /** Validates and copies. */
  public TopicSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a topic needs a name");
    }
    Objects.requireNonNull(valueSerde, "valueSerde");
    configs = Map.copyOf(configs);
  }

  /**
   * Returns the serde of the keys: comment ids, model names or chunk names, as strings.
   *
   * @return the key serde
   */
  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /**
   * Returns the same topic under another name (a deployment's own naming).
   *
   * @param other the name
   * @return the renamed spec
   */
  public TopicSpec<V> withName(String other) {
    return new TopicSpec<>(other, valueSerde, keyedByComment, configs);
  }

  /**
   * Returns the partitions to create.
   *
   * @param pipelinePartitions the partitions of the comment-keyed topics
   * @return {@code pipelinePartitions} for a comment-keyed topic, else 1
   */
  public int partitions(int pipelinePartitions) {
    return keyedByComment ? pipelinePartitions : 1;
  }
}

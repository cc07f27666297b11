package io.modstream.trainer.retrain;

import io.modstream.schemas.Feedback;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the compacted feedback topic from its start to its current end with a plain consumer (no
 * group: the topic itself is the durable record, so the trainer rebuilds its training set from it
 * after any restart). Verdicts on the same comment merge label by label, a newer verdict overriding
 * an older one's value of the same label (a moderator who judged only "insult" leaves an earlier
 * "toxic" standing); the merged verdict carries the newest one's reviewer, source and time. A
 * tombstone withdraws every verdict on the comment.
 */
public final class FeedbackLog {

  private FeedbackLog() {}

  /**
   * Reads every current verdict.
   *
   * @param connection the cluster's connection settings ({@code bootstrap.servers}, security)
   * @param topic the feedback topic
   * @return comment id to its merged verdict, in first-seen order
   */
  public static Map<String, Feedback> readAll(Map<String, ?> connection, String topic) {
    Map<String, Feedback> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, Feedback> c =
        new KafkaConsumer<>(
            ModelReleases.consumerConfig(connection),
            Topics.COMMENT_FEEDBACK.keySerde().deserializer(),
            Topics.COMMENT_FEEDBACK.valueSerde().deserializer())) {
      List<TopicPartition> parts = ModelReleases.partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, Feedback> r : c.poll(Duration.ofMillis(200))) {
          String id =
              r.key() != null ? r.key() : r.value() == null ? null : r.value().getCommentId();
          if (id == null) {
            continue;
          }
          if (r.value() == null) {
            latest.remove(id);
          } else {
            latest.put(id, merge(latest.get(id), r.value()));
          }
        }
      }
    }
    return latest;
  }

  /**
   * Merges a newer verdict into an older one on the same comment.
   *
   * @param older the merged verdicts so far, or null
   * @param newer the newer verdict
   * @return the newer verdict with the older one's labels that it does not judge
   */
  static Feedback merge(Feedback older, Feedback newer) {
    if (older == null) {
      return newer;
    }
    Map<String, Boolean> labels = new LinkedHashMap<>(older.getLabels());
    labels.putAll(newer.getLabels());
    return Feedback.newBuilder(newer).setLabels(labels).build();
  }

  /**
   * Returns the total number of records currently in the topic (end minus start offsets), a cheap
   * measure of new feedback for retraining triggers.
   *
   * @param connection the cluster's connection settings ({@code bootstrap.servers}, security)
   * @param topic the feedback topic
   * @param timeout how long each request waits for the cluster
   * @return the record count
   * @throws org.apache.kafka.common.KafkaException if the cluster does not answer in time
   */
  public static long size(Map<String, ?> connection, String topic, Duration timeout) {
    try (KafkaConsumer<String, Feedback> c =
        new KafkaConsumer<>(
            ModelReleases.consumerConfig(connection),
            Topics.COMMENT_FEEDBACK.keySerde().deserializer(),
            Topics.COMMENT_FEEDBACK.valueSerde().deserializer())) {
      return ModelReleases.recordCount(c, topic, timeout);
    }
  }
}

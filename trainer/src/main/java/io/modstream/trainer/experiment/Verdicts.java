package io.modstream.trainer.experiment;

import io.modstream.schemas.Feedback;
import io.modstream.schemas.FeedbackSource;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.TopicSpec;
import io.modstream.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Turns rows into moderators' verdicts and publishes them through a real feedback topic. */
public final class Verdicts {

  /** Partitions of each feedback topic: several, as in production, so reads span partitions. */
  static final int FEEDBACK_PARTITIONS = 3;

  private Verdicts() {}

  /**
   * Makes one verdict per row: reviewers take turns ({@code reviewer-0}, {@code reviewer-1}, ...),
   * every verdict is a moderator's decision, each a millisecond after the one before.
   *
   * @param rows the rows, in order
   * @param reviewers how many reviewers share them
   * @param start the first verdict's time
   * @return the verdicts
   */
  public static List<Feedback> of(List<DomainData.Row> rows, int reviewers, Instant start) {
    List<Feedback> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      DomainData.Row row = rows.get(i);
      out.add(
          Feedback.newBuilder()
              .setCommentId(row.id())
              .setText(row.text())
              .setLabels(row.labels())
              .setSource(FeedbackSource.MODERATOR_DECISION)
              .setReviewerId("reviewer-" + (i % reviewers))
              .setCreatedAt(start.plusMillis(i))
              .build());
    }
    return out;
  }

  /**
   * Creates a feedback topic and a releases topic with the catalogue's settings ({@link Topics}).
   *
   * @param connection the cluster's connection settings ({@code bootstrap.servers}, security)
   * @param feedbackTopic the feedback topic's name
   * @param releasesTopic the releases topic's name
   * @throws ExecutionException if the cluster refuses, for example because a topic exists
   * @throws InterruptedException if interrupted
   */
  public static void createTopics(
      Map<String, ?> connection, String feedbackTopic, String releasesTopic)
      throws ExecutionException, InterruptedException {
    try (Admin admin = Admin.create(Map.<String, Object>copyOf(connection))) {
      short replication = (short) Math.min(3, admin.describeCluster().nodes().get().size());
      List<NewTopic> topics = new ArrayList<>();
      for (TopicSpec<?> spec :
          List.of(
              Topics.COMMENT_FEEDBACK.withName(feedbackTopic),
              Topics.MODEL_RELEASES.withName(releasesTopic))) {
        topics.add(
            new NewTopic(spec.name(), spec.partitions(FEEDBACK_PARTITIONS), replication)
                .configs(spec.configs()));
      }
      admin.createTopics(topics).all().get();
    }
  }

  /**
   * Publishes verdicts keyed by comment id, as the feedback tools do, with every acknowledgement
   * awaited.
   *
   * @param connection the cluster's connection settings ({@code bootstrap.servers}, security)
   * @param topic the feedback topic
   * @param verdicts the verdicts
   * @throws ExecutionException if the broker refuses one
   * @throws InterruptedException if interrupted
   */
  public static void publish(Map<String, ?> connection, String topic, List<Feedback> verdicts)
      throws ExecutionException, InterruptedException {
    try (KafkaProducer<String, Feedback> producer =
        new KafkaProducer<>(
            ModelReleases.producerConfig(connection),
            Topics.COMMENT_FEEDBACK.keySerde().serializer(),
            Topics.COMMENT_FEEDBACK.valueSerde().serializer())) {
      List<Future<?>> sent = new ArrayList<>();
      for (Feedback f : verdicts) {
        sent.add(producer.send(new ProducerRecord<>(topic, f.getCommentId(), f)));
      }
      producer.flush();
      for (Future<?> s : sent) {
        s.get();
      }
    }
  }
}

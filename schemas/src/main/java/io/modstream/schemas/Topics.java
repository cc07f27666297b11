package io.modstream.schemas;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The catalogue of the pipeline's topics, by their default names: what each holds, how it is keyed
 * and partitioned, and its settings. The streams app's topology and topic setup, the trainer, the
 * tools and the tests all take topics from here. Keys are strings: the comment id for comments,
 * label events and feedback, the model name for releases.
 */
public final class Topics {

  private static final String WEEK_MS = Long.toString(7L * 24 * 3600 * 1000);
  private static final String MONTH_MS = Long.toString(30L * 24 * 3600 * 1000);
  private static final Map<String, String> WEEK = Map.of(TopicConfig.RETENTION_MS_CONFIG, WEEK_MS);

  /** Durable records (feedback, releases, bundle chunks): the latest per key wins. */
  private static final Map<String, String> COMPACTED =
      Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

  /** {@link Comment} records to moderate. */
  public static final TopicSpec<Comment> COMMENTS =
      new TopicSpec<>("comments", AvroSerde.of(Comment.class), true, WEEK);

  /** One {@link LabelEvent} per scored comment. */
  public static final TopicSpec<LabelEvent> COMMENT_LABELS =
      new TopicSpec<>("comment-labels", AvroSerde.of(LabelEvent.class), true, WEEK);

  /** The prefix of the per-label topics: a comment flagged L also goes to prefix + L. */
  public static final String FLAGGED_PREFIX = "comments-flagged-";

  /**
   * Records that cannot be scored, with their original key and bytes and the reason in {@link
   * DeadLetterHeaders}; kept a month to leave time to look.
   */
  public static final TopicSpec<byte[]> DEAD_LETTERS =
      new TopicSpec<>(
          "comments-dlq",
          Serdes.ByteArray(),
          false,
          Map.of(TopicConfig.RETENTION_MS_CONFIG, MONTH_MS));

  /** {@link Feedback} records; compacted, the latest verdict per comment wins. */
  public static final TopicSpec<Feedback> COMMENT_FEEDBACK =
      new TopicSpec<>("comment-feedback", AvroSerde.of(Feedback.class), true, COMPACTED);

  /** {@link ModelRelease} records; compacted, the latest release per model name wins. */
  public static final TopicSpec<ModelRelease> MODEL_RELEASES =
      new TopicSpec<>("model-releases", AvroSerde.of(ModelRelease.class), false, COMPACTED);

  /** Bundle file chunks ({@link BundleTransport}): unique keys, so compaction keeps every one. */
  public static final TopicSpec<byte[]> MODEL_BUNDLES =
      new TopicSpec<>("model-bundles", Serdes.ByteArray(), false, COMPACTED);

  private Topics() {}

  /**
   * Returns the per-label topic of one label.
   *
   * @param prefix the per-label topics' prefix ({@link #FLAGGED_PREFIX} by default)
   * @param label a model label
   * @return the topic of the label events of comments flagged with it
   */
  public static TopicSpec<LabelEvent> flagged(String prefix, String label) {
    return COMMENT_LABELS.withName(prefix + label);
  }
}

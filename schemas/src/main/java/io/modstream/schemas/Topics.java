package io.modstream.schemas;

/**
 * Names of the topics the contracts travel on. Keys are strings: the comment id for comments,
 * label events and feedback, the model name for releases.
 */
public final class Topics {

  /** {@link Comment} records to moderate. */
  public static final String COMMENTS = "comments";
  /** One {@link LabelEvent} per scored comment. */
  public static final String COMMENT_LABELS = "comment-labels";
  /** {@link Feedback} records; compacted, the latest verdict per comment wins. */
  public static final String COMMENT_FEEDBACK = "comment-feedback";
  /** {@link ModelRelease} records; compacted, the latest release per model name wins. */
  public static final String MODEL_RELEASES = "model-releases";

  private Topics() {}
}

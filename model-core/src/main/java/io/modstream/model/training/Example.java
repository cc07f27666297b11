package io.modstream.model.training;

import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.Partition;
import java.util.Arrays;
import java.util.Objects;

/**
 * A training or calibration row: a comment, which of its labels were judged (a label nobody judged
 * is left out of every loss and fit, never read as 0), and its weight (a moderator's verdict can
 * count more than a base row; a distrusted reviewer's less). Immutable.
 *
 * @param comment the comment and its labels (values of unjudged labels are ignored)
 * @param judged one flag per label: whether its value is known
 * @param weight how many base rows this row counts as, at least 0
 */
public record Example(LabelledComment comment, boolean[] judged, double weight) {

  /** Validates and copies. */
  public Example {
    Objects.requireNonNull(comment, "comment");
    judged = judged.clone();
    if (judged.length != comment.labels().length) {
      throw new IllegalArgumentException(
          "comment " + comment.id() + ": " + judged.length + " judged flags for its labels");
    }
    if (!(weight >= 0 && weight < 1e6)) {
      throw new IllegalArgumentException(
          "comment " + comment.id() + ": weight must be in [0, 1e6), got " + weight);
    }
  }

  /**
   * Returns a row with every label judged and weight 1.
   *
   * @param comment the comment
   * @return the example
   */
  public static Example complete(LabelledComment comment) {
    boolean[] all = new boolean[comment.labels().length];
    Arrays.fill(all, true);
    return new Example(comment, all, 1.0);
  }

  @Override
  public boolean[] judged() {
    return judged.clone();
  }

  /**
   * Returns whether one label was judged, without copying.
   *
   * @param label the label's index
   * @return whether its value is known
   */
  public boolean isJudged(int label) {
    return judged[label];
  }

  /**
   * Returns whether every label was judged.
   *
   * @return true for a complete verdict
   */
  public boolean complete() {
    for (boolean j : judged) {
      if (!j) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns how many times the row enters a fit: the weight's whole part, plus one more for a share
   * of rows equal to its fraction, chosen by a stable hash of the id (so fractional weights hold on
   * average and a run is repeatable).
   *
   * @return the copies, 0 or more
   */
  public int copies() {
    int whole = (int) Math.floor(weight);
    return whole + (Partition.unit("weight:" + comment.id()) < weight - whole ? 1 : 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Example e
        && e.comment.equals(comment)
        && Arrays.equals(e.judged, judged)
        && e.weight == weight;
  }

  @Override
  public int hashCode() {
    return Objects.hash(comment, Arrays.hashCode(judged), weight);
  }

  @Override
  public String toString() {
    return "Example["
        + comment
        + ", judged="
        + Arrays.toString(judged)
        + ", weight="
        + weight
        + "]";
  }
}

package io.modstream.model.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One comment with its true labels, in the order of its dataset's label names.
 *
 * @param id the comment id
 * @param text the raw text
 * @param labels one flag per label
 */
public record LabelledComment(String id, String text, boolean[] labels) {

  /** Validates and defensively copies. */
  public LabelledComment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    labels = labels.clone();
  }

  @Override
  public boolean[] labels() {
    return labels.clone();
  }

  /**
   * Returns one label without copying.
   *
   * @param index the label's index
   * @return its value
   */
  public boolean label(int index) {
    return labels[index];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelledComment c
        && c.id.equals(id)
        && c.text.equals(text)
        && Arrays.equals(c.labels, labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, text, Arrays.hashCode(labels));
  }

  @Override
  public String toString() {
    return "LabelledComment[id=" + id + ", labels=" + Arrays.toString(labels) + "]";
  }
}

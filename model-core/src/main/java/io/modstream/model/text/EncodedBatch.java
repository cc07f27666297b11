package io.modstream.model.text;

import java.util.Arrays;

/**
 * Token ids for a batch of texts, right-padded with {@link Vocabulary#PAD_ID} to the longest text
 * in the batch (not to the model's maximum: cost follows the padded length), with a mask that is 1
 * on real tokens and 0 on padding. Immutable.
 */
public final class EncodedBatch {

  private final int[][] ids;
  private final int[] lengths;
  private final int width;

  EncodedBatch(int[][] ids, int[] lengths, int width) {
    this.ids = ids;
    this.lengths = lengths;
    this.width = width;
  }

  /**
   * Returns the number of texts.
   *
   * @return the batch size
   */
  public int size() {
    return ids.length;
  }

  /**
   * Returns the padded length shared by every row.
   *
   * @return the number of time steps
   */
  public int width() {
    return width;
  }

  /**
   * Returns the number of real tokens in a row (at least 1: an empty text encodes as one unknown
   * token so the network always sees a time step).
   *
   * @param row a row index
   * @return its length
   */
  public int length(int row) {
    return lengths[row];
  }

  /**
   * Returns the id at a row and time step; {@link Vocabulary#PAD_ID} past the row's length.
   *
   * @param row a row index
   * @param step a time step in {@code [0, width())}
   * @return the id
   */
  public int id(int row, int step) {
    return ids[row][step];
  }

  /**
   * Returns a copy of one padded row of ids.
   *
   * @param row a row index
   * @return {@code width()} ids
   */
  public int[] ids(int row) {
    return Arrays.copyOf(ids[row], width);
  }

  /**
   * Returns a copy of one row of the mask.
   *
   * @param row a row index
   * @return {@code width()} values, 1 on real tokens and 0 on padding
   */
  public float[] mask(int row) {
    float[] mask = new float[width];
    Arrays.fill(mask, 0, lengths[row], 1f);
    return mask;
  }
}

package io.modstream.model.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Assigns every comment to one of three disjoint sets by a stable hash of its id: training (model
 * weights), calibration (early stopping, blend, Platt scaling, thresholds) and golden (the release
 * gate only). A comment keeps its set across runs, machines and languages, so a row the gate judges
 * by can never have been fitted on, whichever run trained the model. Immutable.
 *
 * <p>The hash: the first 8 bytes of SHA-256 over the id's UTF-8 bytes, read as an unsigned
 * big-endian integer and divided by 2<sup>64</sup>; below {@code goldenFraction} is golden, below
 * {@code goldenFraction + calibrationFraction} calibration, the rest training.
 *
 * @param calibrationFraction share of ids in the calibration set, in (0, 1)
 * @param goldenFraction share of ids in the golden set, in (0, 1)
 */
public record Partition(double calibrationFraction, double goldenFraction) {

  /** The three sets. */
  public enum Part {
    /** Fits model weights. */
    TRAIN,
    /** Early stopping, blend weight, calibration and thresholds. */
    CALIBRATION,
    /** The release gate's rows: never fitted on. */
    GOLDEN
  }

  /** Validates. */
  public Partition {
    if (!(calibrationFraction > 0 && goldenFraction > 0)
        || !(calibrationFraction + goldenFraction < 1)) {
      throw new IllegalArgumentException(
          "calibration and golden fractions must be > 0 with a sum below 1, got "
              + calibrationFraction
              + " and "
              + goldenFraction);
    }
  }

  /**
   * Returns the partition released models use: 15% calibration, 10% golden.
   *
   * @return the default partition
   */
  public static Partition defaults() {
    return new Partition(0.15, 0.10);
  }

  /**
   * Returns the set a comment belongs to.
   *
   * @param commentId the comment's id
   * @return its set
   */
  public Part of(String commentId) {
    double u = unit(commentId);
    if (u < goldenFraction) {
      return Part.GOLDEN;
    }
    return u < goldenFraction + calibrationFraction ? Part.CALIBRATION : Part.TRAIN;
  }

  /**
   * Splits a dataset into its three sets, keeping row order.
   *
   * @param data the rows
   * @return the sets
   */
  public Sets split(LabelledDataset data) {
    List<LabelledComment> train = new ArrayList<>();
    List<LabelledComment> calibration = new ArrayList<>();
    List<LabelledComment> golden = new ArrayList<>();
    for (LabelledComment row : data.rows()) {
      switch (of(row.id())) {
        case GOLDEN -> golden.add(row);
        case CALIBRATION -> calibration.add(row);
        default -> train.add(row);
      }
    }
    return new Sets(
        new LabelledDataset(data.labels(), train, data.source() + " (train split)", data.sha256()),
        new LabelledDataset(
            data.labels(), calibration, data.source() + " (calibration split)", data.sha256()),
        new LabelledDataset(
            data.labels(), golden, data.source() + " (golden split)", data.sha256()));
  }

  /**
   * Returns a stable value in [0, 1) for a key (see the class comment for the hash).
   *
   * @param key any string
   * @return the value
   */
  public static double unit(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long bits = ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
      return (bits >>> 11) * 0x1.0p-53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * A dataset's three sets.
   *
   * @param train training rows
   * @param calibration calibration rows
   * @param golden golden rows
   */
  public record Sets(LabelledDataset train, LabelledDataset calibration, LabelledDataset golden) {

    /**
     * Returns training and calibration as the split {@code ModelTrainer.train} takes.
     *
     * @return the split
     */
    public LabelledDataset.Split forTraining() {
      return new LabelledDataset.Split(train, calibration);
    }
  }
}

package io.modstream.model.training;

import io.modstream.model.data.LabelledDataset;
import java.util.List;
import java.util.Objects;

/**
 * What a training run fits on: training rows (weights) and calibration rows (early stopping, blend,
 * Platt scaling and thresholds), each possibly partial and weighted. Immutable.
 *
 * @param labels the label names, in column order
 * @param train rows the linear model (and a network trained from scratch) is fitted on
 * @param networkTrain rows a fine-tuned network is fitted on: a faster mix, such as the new rows
 *     plus a replay sample of the old ones
 * @param calibration rows the early stopping, blend, calibration and thresholds are fitted on
 * @param source a description of the origin, for provenance
 * @param sha256 the SHA-256 of the base data file, or empty
 */
public record TrainingSet(
    List<String> labels,
    List<Example> train,
    List<Example> networkTrain,
    List<Example> calibration,
    String source,
    String sha256) {

  /** Validates and copies. */
  public TrainingSet {
    labels = List.copyOf(labels);
    train = List.copyOf(train);
    networkTrain = List.copyOf(networkTrain);
    calibration = List.copyOf(calibration);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sha256, "sha256");
    if (train.isEmpty() || calibration.isEmpty()) {
      throw new IllegalArgumentException("both the training and the calibration rows are needed");
    }
    for (List<Example> part : List.of(train, networkTrain, calibration)) {
      for (Example e : part) {
        if (e.judged().length != labels.size()) {
          throw new IllegalArgumentException(
              "comment " + e.comment().id() + " does not have " + labels.size() + " labels");
        }
      }
    }
  }

  /**
   * A set whose network, when fine-tuned, fits on the same rows as the linear model.
   *
   * @param labels the label names
   * @param train training rows
   * @param calibration calibration rows
   * @param source the origin
   * @param sha256 the base data's SHA-256, or empty
   */
  public TrainingSet(
      List<String> labels,
      List<Example> train,
      List<Example> calibration,
      String source,
      String sha256) {
    this(labels, train, train, calibration, source, sha256);
  }

  /**
   * Wraps a split of fully labelled rows, each of weight 1.
   *
   * @param split training and validation (calibration) rows with the same labels
   * @return the set
   */
  public static TrainingSet of(LabelledDataset.Split split) {
    if (!split.train().labels().equals(split.validation().labels())) {
      throw new IllegalArgumentException(
          "training labels "
              + split.train().labels()
              + " differ from validation labels "
              + split.validation().labels());
    }
    return new TrainingSet(
        split.train().labels(),
        split.train().rows().stream().map(Example::complete).toList(),
        split.validation().rows().stream().map(Example::complete).toList(),
        split.train().source().replace(" (train split)", ""),
        split.train().sha256());
  }
}

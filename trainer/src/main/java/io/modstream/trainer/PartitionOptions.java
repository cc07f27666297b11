package io.modstream.trainer;

import io.modstream.model.data.Partition;
import picocli.CommandLine.Option;

/**
 * The three-way split by comment-id hash, shared by {@code train}, {@code retrain} and {@code
 * serve} so that a champion and its retraining runs agree on which rows are golden.
 */
final class PartitionOptions {

  @Option(
      names = "--calibration-fraction",
      description =
          "Share of comment ids (by hash) for calibration: early stopping, blend, Platt scaling and"
              + " thresholds.")
  double calibrationFraction = Partition.defaults().calibrationFraction();

  @Option(
      names = "--golden-fraction",
      description =
          "Share of comment ids (by hash) held out for the golden set: evaluation and the release"
              + " gate only, never fitted on.")
  double goldenFraction = Partition.defaults().goldenFraction();

  Partition partition() {
    return new Partition(calibrationFraction, goldenFraction);
  }
}

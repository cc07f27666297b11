package io.modstream.model;

import io.modstream.model.text.Tokenizer;
import java.util.List;
import java.util.Objects;

/**
 * What a bundle says about its model, stored as {@code bundle.json}.
 *
 * @param formatVersion the bundle layout version ({@link ModelBundle#FORMAT_VERSION})
 * @param name the model name (releases of one model share it)
 * @param version the model version, unique per name
 * @param labels the label names, in output order
 * @param thresholds per-label decision thresholds: a score at or above flags the label
 * @param tokenizerScheme the {@link Tokenizer#SCHEME_VERSION} the model was trained with
 * @param maxLength the most tokens scored per comment
 * @param calibration how the network's and the linear model's outputs become one calibrated score
 *     (format 2); null in format 1 bundles, which serve the network's probabilities
 * @param provenance how the model was made
 */
public record BundleInfo(
    int formatVersion,
    String name,
    String version,
    List<String> labels,
    List<Double> thresholds,
    int tokenizerScheme,
    int maxLength,
    Provenance provenance,
    ScoreCalibration calibration) {

  /** Validates and copies. */
  public BundleInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    labels = List.copyOf(labels);
    thresholds = List.copyOf(thresholds);
    Objects.requireNonNull(provenance, "provenance");
    if (labels.isEmpty() || labels.size() != thresholds.size()) {
      throw new IllegalArgumentException(
          labels.size()
              + " labels and "
              + thresholds.size()
              + " thresholds; need one threshold per label");
    }
    if (calibration != null && calibration.slopes().size() != labels.size()) {
      throw new IllegalArgumentException(
          "calibration has "
              + calibration.slopes().size()
              + " labels, the bundle "
              + labels.size());
    }
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
    }
  }
}

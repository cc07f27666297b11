package io.modstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a bundle turns its models' outputs into a decision: the blend and calibration of the network
 * and linear outputs ({@link ScoreCalibration}; without one the network's probabilities are the
 * scores), then the per-label thresholds that flag a label. One per served model, so a hot swap
 * replaces scores and thresholds together. Immutable and thread-safe.
 */
public final class DecisionPolicy {

  /** Up to this many labels, every set of flagged labels is built once, at construction. */
  private static final int MAX_CACHED_LABELS = 10;

  private final String modelName;
  private final String modelVersion;
  private final List<String> labels;
  private final ScoreCalibration calibration;
  private final double[] thresholds;

  /** The flagged-label list of every subset of labels, by bit mask; null above the cache size. */
  private final List<List<String>> flaggedByMask;

  private DecisionPolicy(BundleInfo info) {
    this.modelName = info.name();
    this.modelVersion = info.version();
    this.labels = List.copyOf(info.labels());
    this.calibration = info.calibration();
    this.thresholds = info.thresholds().stream().mapToDouble(Double::doubleValue).toArray();
    if (labels.size() <= MAX_CACHED_LABELS) {
      List<List<String>> byMask = new ArrayList<>(1 << labels.size());
      for (int mask = 0; mask < 1 << labels.size(); mask++) {
        byMask.add(labelsOf(mask));
      }
      this.flaggedByMask = List.copyOf(byMask);
    } else {
      this.flaggedByMask = null;
    }
  }

  /**
   * Returns the policy of a bundle.
   *
   * @param info the bundle's description: labels, thresholds and calibration
   * @return the policy
   */
  public static DecisionPolicy of(BundleInfo info) {
    return new DecisionPolicy(Objects.requireNonNull(info, "info"));
  }

  /**
   * Combines one label's model outputs into its score.
   *
   * @param label the label's index
   * @param networkProbability the network's probability
   * @param linearLogit the linear model's log-odds (ignored without a calibration)
   * @return the score in [0, 1]
   */
  public float score(int label, float networkProbability, double linearLogit) {
    return calibration == null
        ? networkProbability
        : calibration.apply(label, networkProbability, linearLogit);
  }

  /**
   * Returns the labels whose score reaches its threshold.
   *
   * @param scores one text's scores, in label order
   * @return the flagged labels, in label order (immutable)
   */
  public List<String> flagged(float[] scores) {
    if (scores.length != labels.size()) {
      throw new IllegalArgumentException(
          scores.length + " scores for " + labels.size() + " labels");
    }
    int mask = 0;
    List<String> slow = flaggedByMask == null ? new ArrayList<>() : null;
    for (int j = 0; j < thresholds.length; j++) {
      if (scores[j] >= thresholds[j]) {
        if (slow == null) {
          mask |= 1 << j;
        } else {
          slow.add(labels.get(j));
        }
      }
    }
    return slow == null ? flaggedByMask.get(mask) : List.copyOf(slow);
  }

  /**
   * Decides one text: its scores, the labels they flag and the model that decided.
   *
   * @param scores the text's scores, in label order; the verdict keeps the array, so the caller
   *     must not change it afterwards
   * @return the verdict
   */
  public Verdict decide(float[] scores) {
    return new Verdict(modelName, modelVersion, labels, scores, flagged(scores));
  }

  /**
   * Returns the label names, in score order.
   *
   * @return the labels
   */
  public List<String> labels() {
    return labels;
  }

  private List<String> labelsOf(int mask) {
    List<String> out = new ArrayList<>(Integer.bitCount(mask));
    for (int j = 0; j < labels.size(); j++) {
      if ((mask & 1 << j) != 0) {
        out.add(labels.get(j));
      }
    }
    return List.copyOf(out);
  }
}

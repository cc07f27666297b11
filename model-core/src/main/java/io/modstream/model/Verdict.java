package io.modstream.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the model decided about one text: a score per label, the labels flagged at the model's
 * thresholds, and the model (name and version) that decided. Made by {@link DecisionPolicy};
 * immutable.
 */
public final class Verdict {

  private final String modelName;
  private final String modelVersion;
  private final List<String> labels;
  private final float[] scores;
  private final List<String> flagged;
  private final Map<String, List<WordWeight>> explanations;

  Verdict(
      String modelName,
      String modelVersion,
      List<String> labels,
      float[] scores,
      List<String> flagged) {
    this(modelName, modelVersion, labels, scores, flagged, Map.of());
  }

  private Verdict(
      String modelName,
      String modelVersion,
      List<String> labels,
      float[] scores,
      List<String> flagged,
      Map<String, List<WordWeight>> explanations) {
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.labels = labels;
    this.scores = scores;
    this.flagged = flagged;
    this.explanations = explanations;
  }

  /** The same verdict with the words behind its flagged labels. */
  Verdict withExplanations(Map<String, List<WordWeight>> explanations) {
    // In flagged-label order, which Map.copyOf would not keep.
    return new Verdict(
        modelName,
        modelVersion,
        labels,
        scores,
        flagged,
        Collections.unmodifiableMap(new LinkedHashMap<>(explanations)));
  }

  /**
   * Returns the name of the model that decided.
   *
   * @return the model name
   */
  public String modelName() {
    return modelName;
  }

  /**
   * Returns the version of the model that decided.
   *
   * @return the model version
   */
  public String modelVersion() {
    return modelVersion;
  }

  /**
   * Returns the label names, in score order.
   *
   * @return the labels
   */
  public List<String> labels() {
    return labels;
  }

  /**
   * Returns one label's score.
   *
   * @param label the label's index
   * @return the score in [0, 1]
   */
  public float score(int label) {
    return scores[label];
  }

  /**
   * Returns the scores by label name, in label order (a new map each call).
   *
   * @return the scores
   */
  public Map<String, Double> scoresByLabel() {
    Map<String, Double> byLabel = new LinkedHashMap<>();
    for (int j = 0; j < scores.length; j++) {
      byLabel.put(labels.get(j), (double) scores[j]);
    }
    return byLabel;
  }

  /**
   * Returns the flagged labels, in label order.
   *
   * @return the flagged labels (immutable)
   */
  public List<String> flagged() {
    return flagged;
  }

  /**
   * Returns, for each flagged label, the words that raised its score most, largest first: empty
   * when nothing was flagged or the model has no linear part to explain with.
   *
   * @return the words by flagged label (immutable)
   */
  public Map<String, List<WordWeight>> explanations() {
    return explanations;
  }

  @Override
  public String toString() {
    return modelName + " " + modelVersion + " " + Arrays.toString(scores) + " flagged " + flagged;
  }
}

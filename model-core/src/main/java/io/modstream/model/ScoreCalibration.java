package io.modstream.model;

import java.util.List;

/**
 * How a bundle turns its two models' outputs into one calibrated score per label: the network's and
 * the linear model's log-odds are blended with {@code networkWeight}, then Platt-scaled per label,
 * {@code score = sigmoid(slope * (w * logit(network) + (1 - w) * linear) + intercept)}. The slopes
 * are positive, so scores keep the blend's order (ROC-AUC unchanged) while a score reads as the
 * probability the label applies, measured on the validation split. Immutable.
 *
 * @param networkWeight the LSTM's share of the blend, in [0, 1]
 * @param slopes per label, positive
 * @param intercepts per label
 */
public record ScoreCalibration(double networkWeight, List<Double> slopes, List<Double> intercepts) {

  /** Validates the weight, the slopes' signs and the lengths. */
  public ScoreCalibration {
    if (!(networkWeight >= 0 && networkWeight <= 1)) {
      throw new IllegalArgumentException("networkWeight must be in [0, 1], got " + networkWeight);
    }
    slopes = List.copyOf(slopes);
    intercepts = List.copyOf(intercepts);
    if (slopes.size() != intercepts.size() || slopes.isEmpty()) {
      throw new IllegalArgumentException(
          slopes.size()
              + " slopes and "
              + intercepts.size()
              + " intercepts; need one of each per label");
    }
    for (double s : slopes) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException(
            "calibration slopes must be positive and finite (scores keep their order), got "
                + slopes);
      }
    }
    for (double b : intercepts) {
      if (!Double.isFinite(b)) {
        throw new IllegalArgumentException(
            "calibration intercepts must be finite, got " + intercepts);
      }
    }
  }

  /**
   * Blends and calibrates one label's outputs.
   *
   * @param label the label's index
   * @param networkProbability the LSTM's probability
   * @param linearLogit the linear model's log-odds
   * @return the calibrated score in (0, 1)
   */
  public float apply(int label, double networkProbability, double linearLogit) {
    double z = networkWeight * logit(networkProbability) + (1 - networkWeight) * linearLogit;
    return (float) sigmoid(slopes.get(label) * z + intercepts.get(label));
  }

  /**
   * Returns the log-odds of a probability, clamped to +-16.
   *
   * @param p a probability
   * @return its log-odds
   */
  public static double logit(double p) {
    double q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
    return Math.log(q / (1 - q));
  }

  /**
   * Returns the logistic function.
   *
   * @param z log-odds
   * @return the probability
   */
  public static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}

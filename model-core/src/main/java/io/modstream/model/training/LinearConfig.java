package io.modstream.model.training;

/**
 * Hyper-parameters of the linear model: TF-IDF over word 1-2-grams and character 2-5-grams with one
 * L2-regularised logistic regression per label (liblinear). Immutable; {@link #defaults()} holds
 * the settings of released models and of the cross-validated baseline.
 *
 * @param c liblinear's inverse regularisation strength (sklearn's {@code C})
 * @param wordFeatures the most word 1-2-gram features, the most frequent by document count
 * @param charFeatures the most character 2-5-gram features, likewise
 * @param minDocumentFrequency a feature must occur in this many training comments
 * @param maxChars the most characters of a comment's cleaned tokens that give character n-grams
 */
public record LinearConfig(
    double c, int wordFeatures, int charFeatures, int minDocumentFrequency, int maxChars) {

  /** Validates every field; messages name the field and the allowed range. */
  public LinearConfig {
    if (!(c > 0 && c < 1e6)) {
      throw new IllegalArgumentException("c must be in (0, 1e6), got " + c);
    }
    if (wordFeatures < 1 || charFeatures < 1) {
      throw new IllegalArgumentException(
          "wordFeatures and charFeatures must be at least 1, got "
              + wordFeatures
              + " and "
              + charFeatures);
    }
    if (minDocumentFrequency < 1) {
      throw new IllegalArgumentException(
          "minDocumentFrequency must be at least 1, got " + minDocumentFrequency);
    }
    if (maxChars < 16) {
      throw new IllegalArgumentException("maxChars must be at least 16, got " + maxChars);
    }
  }

  /**
   * Returns the defaults (chosen by cross-validation on the shared Jigsaw rows; see the README).
   *
   * @return the default configuration
   */
  public static LinearConfig defaults() {
    return new LinearConfig(4.0, 50_000, 100_000, 2, 3_000);
  }
}

package io.modstream.model.training;

import io.modstream.model.ScoreCalibration;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.internal.LinearTrainer;
import io.modstream.model.internal.TfidfVectorizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The classic strong baseline, for comparisons: scikit-learn's TF-IDF + logistic-regression recipe,
 * reproduced. A word 1-2-gram and a {@code char_wb} 2-5-gram {@code TfidfVectorizer} (sublinear TF,
 * accents stripped, each block L2-normalised), side by side, and one liblinear logistic regression
 * per label. Raw text in, nothing of this project's tokenizer or disguise handling. Immutable and
 * thread-safe.
 */
public final class BaselineModel {

  /**
   * The baseline's settings.
   *
   * @param c the inverse regularisation strength (scikit-learn's {@code C})
   * @param wordFeatures the word vectorizer's {@code max_features}
   * @param charFeatures the character vectorizer's {@code max_features}
   * @param tolerance liblinear's stopping tolerance (scikit-learn's {@code tol})
   */
  public record Config(double c, int wordFeatures, int charFeatures, double tolerance) {

    /** Validates every field; messages name the field and the allowed range. */
    public Config {
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
      if (!(tolerance > 0 && tolerance < 1)) {
        throw new IllegalArgumentException("tolerance must be in (0, 1), got " + tolerance);
      }
    }

    /**
     * Returns the recipe: {@code C = 4}, 50,000 word and 100,000 character features, and
     * scikit-learn's default tolerance.
     *
     * @return the recipe's settings
     */
    public static Config recipe() {
      return new Config(4.0, 50_000, 100_000, 1e-4);
    }

    /**
     * Returns these settings with another {@code C}.
     *
     * @param c the inverse regularisation strength
     * @return the new settings
     */
    public Config withC(double c) {
      return new Config(c, wordFeatures, charFeatures, tolerance);
    }
  }

  private final List<String> labels;
  private final TfidfVectorizer words;
  private final TfidfVectorizer chars;
  private final LinearTrainer.Fits fits;

  private BaselineModel(
      List<String> labels, TfidfVectorizer words, TfidfVectorizer chars, LinearTrainer.Fits fits) {
    this.labels = List.copyOf(labels);
    this.words = words;
    this.chars = chars;
    this.fits = fits;
  }

  /**
   * Trains the baseline on all rows of a dataset.
   *
   * @param data the training rows
   * @param config the settings
   * @return the trained baseline
   */
  public static BaselineModel train(LabelledDataset data, Config config) {
    Objects.requireNonNull(config, "config");
    List<String> texts = data.texts();
    TfidfVectorizer words =
        TfidfVectorizer.fit(texts, TfidfVectorizer.Analyzer.WORD, 1, 2, config.wordFeatures());
    TfidfVectorizer chars =
        TfidfVectorizer.fit(texts, TfidfVectorizer.Analyzer.CHAR_WB, 2, 5, config.charFeatures());
    int features = words.features() + chars.features();
    List<TfidfVectorizer.Vector> x = new ArrayList<>(texts.size());
    for (String text : texts) {
      x.add(words.transform(text, 0).concat(chars.transform(text, words.features())));
    }
    LinearTrainer.Fits fits =
        LinearTrainer.fitLogistic(x, features, data.truth(), config.c(), config.tolerance());
    return new BaselineModel(data.labels(), words, chars, fits);
  }

  /**
   * Scores texts.
   *
   * @param texts any texts
   * @return {@code [texts.size()][labels().size()]} probabilities
   */
  public float[][] score(List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      TfidfVectorizer.Vector w = words.transform(texts.get(i), 0);
      TfidfVectorizer.Vector c = chars.transform(texts.get(i), words.features());
      out[i] = new float[labels.size()];
      for (int j = 0; j < labels.size(); j++) {
        float[] weights = fits.weights()[j];
        double z = fits.bias()[j];
        for (int k = 0; k < w.index().length; k++) {
          z += weights[w.index()[k]] * w.value()[k];
        }
        for (int k = 0; k < c.index().length; k++) {
          z += weights[c.index()[k]] * c.value()[k];
        }
        out[i][j] = (float) ScoreCalibration.sigmoid(z);
      }
    }
    return out;
  }

  /**
   * Returns the labels, in score order.
   *
   * @return the labels
   */
  public List<String> labels() {
    return labels;
  }

  /**
   * Returns the number of TF-IDF features.
   *
   * @return the feature count
   */
  public int features() {
    return words.features() + chars.features();
  }
}

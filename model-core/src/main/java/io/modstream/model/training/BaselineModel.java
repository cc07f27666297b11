package io.modstream.model.training;

import io.modstream.model.ModerationModel;
import io.modstream.model.ScoreCalibration;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.LinearTrainer;
import io.modstream.model.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The classic strong baseline, for comparisons: TF-IDF word 1-2-grams plus character 2-5-grams and
 * one logistic regression per label (liblinear), on plainly normalised text (tokenizer scheme 1:
 * NFKC, lower case, placeholders; no undoing of disguises). Immutable and thread-safe.
 */
public final class BaselineModel {

  private final List<String> labels;
  private final LinearModel linear;
  private final Tokenizer tokenizer = Tokenizer.forScheme(1);

  private BaselineModel(List<String> labels, LinearModel linear) {
    this.labels = List.copyOf(labels);
    this.linear = linear;
  }

  /**
   * Trains the baseline on all rows of a dataset.
   *
   * @param data the training rows
   * @param config the settings
   * @return the trained baseline
   */
  public static BaselineModel train(LabelledDataset data, LinearConfig config) {
    Objects.requireNonNull(config, "config");
    Tokenizer tokenizer = Tokenizer.forScheme(1);
    List<List<String>> docs = new ArrayList<>(data.size());
    for (LabelledComment row : data.rows()) {
      docs.add(tokenizer.tokenize(row.text(), ModerationModel.LINEAR_MAX_TOKENS));
    }
    return new BaselineModel(data.labels(), LinearTrainer.train(docs, data.truth(), config));
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
      double[] z =
          linear.logits(tokenizer.tokenize(texts.get(i), ModerationModel.LINEAR_MAX_TOKENS));
      out[i] = new float[z.length];
      for (int j = 0; j < z.length; j++) {
        out[i][j] = (float) ScoreCalibration.sigmoid(z[j]);
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
    return linear.features();
  }
}

package io.modstream.model.internal;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import io.modstream.model.training.LinearConfig;
import java.util.List;

/** Trains a {@link LinearModel}: one L2-regularised logistic regression per label (liblinear). */
public final class LinearTrainer {

  private LinearTrainer() {}

  /**
   * Trains one logistic regression per label.
   *
   * @param docs each training comment's tokens
   * @param truth {@code [docs][labels]}
   * @param config hyper-parameters
   * @return the model
   */
  public static LinearModel train(List<List<String>> docs, boolean[][] truth, LinearConfig config) {
    int n = docs.size();
    if (n == 0 || truth.length != n) {
      throw new IllegalArgumentException(
          "need one truth row per document and at least one document");
    }
    int[] wordDf = new int[1 << LinearFeatures.HASH_BITS];
    int[] charDf = new int[1 << LinearFeatures.HASH_BITS];
    for (List<String> doc : docs) {
      LinearFeatures.countDistinct(LinearFeatures.buckets(doc, true, config.maxChars()), wordDf);
      LinearFeatures.countDistinct(LinearFeatures.buckets(doc, false, config.maxChars()), charDf);
    }
    int[] wordBuckets =
        LinearFeatures.select(wordDf, config.wordFeatures(), config.minDocumentFrequency());
    int[] charBuckets =
        LinearFeatures.select(charDf, config.charFeatures(), config.minDocumentFrequency());
    float[] wordIdf = LinearFeatures.idf(wordBuckets, wordDf, n);
    float[] charIdf = LinearFeatures.idf(charBuckets, charDf, n);
    LinearFeatures.BucketIndex wordIndex = new LinearFeatures.BucketIndex(wordBuckets, 0);
    LinearFeatures.BucketIndex charIndex =
        new LinearFeatures.BucketIndex(charBuckets, wordBuckets.length);
    float[] idf = LinearFeatures.idfRows(wordIdf, charIdf, 1);
    int[] counts = new int[wordBuckets.length + charBuckets.length];

    Feature[][] x = new Feature[n][];
    for (int i = 0; i < n; i++) {
      LinearFeatures.Sparse s =
          LinearFeatures.vectorize(
                  docs.get(i), wordIndex, charIndex, idf, 1, config.maxChars(), counts)
              .sorted();
      Feature[] row = new Feature[s.size() + 1];
      for (int k = 0; k < s.size(); k++) {
        row[k] = new FeatureNode(s.index()[k] + 1, s.value()[k]);
      }
      row[s.size()] =
          new FeatureNode(wordBuckets.length + charBuckets.length + 1, 1.0); // the bias term
      x[i] = row;
    }
    int features = wordBuckets.length + charBuckets.length;
    int labels = truth[0].length;
    float[][] weights = new float[labels][];
    float[] bias = new float[labels];
    Linear.disableDebugOutput();
    for (int j = 0; j < labels; j++) {
      Problem problem = new Problem();
      problem.l = n;
      problem.n = features + 1;
      problem.x = x;
      problem.bias = 1.0;
      problem.y = new double[n];
      boolean any = false;
      boolean all = true;
      for (int i = 0; i < n; i++) {
        problem.y[i] = truth[i][j] ? 1 : 0;
        any |= truth[i][j];
        all &= truth[i][j];
      }
      weights[j] = new float[features];
      if (!any || all) {
        bias[j] = any ? 10f : -10f; // one class only: a constant score
        continue;
      }
      Parameter parameter = new Parameter(SolverType.L2R_LR, config.c(), 0.01);
      Model model = Linear.train(problem, parameter);
      double[] w = model.getFeatureWeights();
      // liblinear's first label is its positive class.
      double sign = model.getLabels()[0] == 1 ? 1 : -1;
      for (int k = 0; k < features; k++) {
        weights[j][k] = (float) (sign * w[k]);
      }
      bias[j] = (float) (sign * w[features]);
    }
    return new LinearModel(
        wordBuckets, wordIdf, charBuckets, charIdf, weights, bias, config.maxChars());
  }
}

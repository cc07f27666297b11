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

  /**
   * liblinear's default stopping tolerance for this solver, which released models were fit with.
   */
  private static final double SERVED_TOLERANCE = 0.01;

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
    return train(docs, truth, null, null, config);
  }

  /**
   * Trains one logistic regression per label on the rows where that label was judged, each row
   * entering its fits {@code copies[i]} times (a row weight: the L2-regularised loss sums over
   * instances, so a copy counts exactly as a weight of one more). Feature selection and IDF count
   * each document once.
   *
   * @param docs each training comment's tokens
   * @param truth {@code [docs][labels]}
   * @param judged {@code [docs][labels]} whether each value is known, or null when all are
   * @param copies how many times each document enters the fits, or null for once each
   * @param config hyper-parameters
   * @return the model
   */
  public static LinearModel train(
      List<List<String>> docs,
      boolean[][] truth,
      boolean[][] judged,
      int[] copies,
      LinearConfig config) {
    int n = docs.size();
    if (n == 0 || truth.length != n) {
      throw new IllegalArgumentException(
          "need one truth row per document and at least one document");
    }
    if (judged != null && judged.length != n || copies != null && copies.length != n) {
      throw new IllegalArgumentException("judged and copies need one row per document");
    }
    int[] wordDf = new int[1 << LinearFeatures.HASH_BITS];
    int[] charDf = new int[1 << LinearFeatures.HASH_BITS];
    int counted = 0;
    for (int i = 0; i < n; i++) {
      if (copiesOf(copies, i) == 0) {
        continue; // a row with no weight shapes no feature either
      }
      List<String> doc = docs.get(i);
      LinearFeatures.countDistinct(LinearFeatures.buckets(doc, true, config.maxChars()), wordDf);
      LinearFeatures.countDistinct(LinearFeatures.buckets(doc, false, config.maxChars()), charDf);
      counted++;
    }
    int[] wordBuckets =
        LinearFeatures.select(wordDf, config.wordFeatures(), config.minDocumentFrequency());
    int[] charBuckets =
        LinearFeatures.select(charDf, config.charFeatures(), config.minDocumentFrequency());
    float[] wordIdf = LinearFeatures.idf(wordBuckets, wordDf, Math.max(1, counted));
    float[] charIdf = LinearFeatures.idf(charBuckets, charDf, Math.max(1, counted));
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
    Fits fits = fitLogistic(x, features, truth, judged, copies, config.c(), SERVED_TOLERANCE);
    return new LinearModel(
        wordBuckets, wordIdf, charBuckets, charIdf, fits.weights(), fits.bias(), config.maxChars());
  }

  /**
   * One logistic regression's weights per label.
   *
   * @param weights {@code [labels][features]}
   * @param bias per label, the intercept
   */
  public record Fits(float[][] weights, float[] bias) {}

  /**
   * Fits one L2-regularised logistic regression per label on sparse rows, every value judged.
   *
   * @param rows per row, its columns (ascending, from 0) and values
   * @param features the number of columns
   * @param truth {@code [rows][labels]}
   * @param c the inverse regularisation strength
   * @param tolerance liblinear's stopping tolerance
   * @return per label, the weights and the intercept
   */
  public static Fits fitLogistic(
      List<TfidfVectorizer.Vector> rows,
      int features,
      boolean[][] truth,
      double c,
      double tolerance) {
    Feature[][] x = new Feature[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      TfidfVectorizer.Vector v = rows.get(i);
      Feature[] row = new Feature[v.index().length + 1];
      for (int k = 0; k < v.index().length; k++) {
        row[k] = new FeatureNode(v.index()[k] + 1, v.value()[k]);
      }
      row[v.index().length] = new FeatureNode(features + 1, 1.0); // the intercept
      x[i] = row;
    }
    return fitLogistic(x, features, truth, null, null, c, tolerance);
  }

  /**
   * Fits one L2-regularised logistic regression per label with liblinear (the intercept is a last
   * feature of value 1, regularised as in scikit-learn's liblinear solver).
   *
   * @param x per row, its features in ascending index order from 1, the intercept feature ({@code
   *     features + 1}, value 1) last
   * @param features the number of features, the intercept excluded
   * @param truth {@code [rows][labels]}
   * @param judged {@code [rows][labels]} whether each value is known, or null when all are
   * @param copies how many times each row enters the fits, or null for once each
   * @param c the inverse regularisation strength
   * @param tolerance liblinear's stopping tolerance
   * @return per label, the weights and the intercept
   */
  static Fits fitLogistic(
      Feature[][] x,
      int features,
      boolean[][] truth,
      boolean[][] judged,
      int[] copies,
      double c,
      double tolerance) {
    int n = x.length;
    int labels = truth[0].length;
    float[][] weights = new float[labels][];
    float[] bias = new float[labels];
    Linear.disableDebugOutput();
    for (int j = 0; j < labels; j++) {
      int rows = 0;
      for (int i = 0; i < n; i++) {
        rows += isJudged(judged, i, j) ? copiesOf(copies, i) : 0;
      }
      Problem problem = new Problem();
      problem.l = rows;
      problem.n = features + 1;
      problem.x = new Feature[rows][];
      problem.bias = 1.0;
      problem.y = new double[rows];
      boolean any = false;
      boolean all = true;
      int r = 0;
      for (int i = 0; i < n; i++) {
        if (!isJudged(judged, i, j)) {
          continue;
        }
        for (int k = copiesOf(copies, i); k > 0; k--, r++) {
          problem.x[r] = x[i];
          problem.y[r] = truth[i][j] ? 1 : 0;
          any |= truth[i][j];
          all &= truth[i][j];
        }
      }
      weights[j] = new float[features];
      if (!any || all) {
        bias[j] = any ? 10f : -10f; // one class only: a constant score
        continue;
      }
      Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, c, tolerance));
      double[] w = model.getFeatureWeights();
      // liblinear's first label is its positive class.
      double sign = model.getLabels()[0] == 1 ? 1 : -1;
      for (int k = 0; k < features; k++) {
        weights[j][k] = (float) (sign * w[k]);
      }
      bias[j] = (float) (sign * w[features]);
    }
    return new Fits(weights, bias);
  }

  private static boolean isJudged(boolean[][] judged, int i, int j) {
    return judged == null || judged[i][j];
  }

  private static int copiesOf(int[] copies, int i) {
    return copies == null ? 1 : copies[i];
  }
}

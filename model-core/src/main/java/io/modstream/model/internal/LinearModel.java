package io.modstream.model.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TF-IDF over hashed word 1-2-grams and character 2-5-grams, one logistic regression per label
 * trained by liblinear. Features are the most frequent hash buckets (by document count); word and
 * character blocks are each sublinear-TF, smoothed-IDF weighted and L2-normalised, as in
 * scikit-learn's {@code TfidfVectorizer(sublinear_tf=True)}. Features are made by {@link
 * LinearFeatures}, the model trained by {@link LinearTrainer} and stored by {@link
 * LinearModelFormat}. Immutable and thread-safe.
 */
public final class LinearModel {

  private final int[] wordBuckets;
  private final int[] charBuckets;

  /**
   * Per column (word columns first), its IDF then one weight per label, {@link #stride} floats a
   * column: a column's numbers lie in one cache line or two, where separate IDF and weight arrays
   * took two or three.
   */
  private final float[] rows;

  private final int stride;
  private final float[] bias;
  private final int maxChars;
  private final LinearFeatures.BucketIndex wordIndex;
  private final LinearFeatures.BucketIndex charIndex;

  /** Per-thread term counts by column, all zero between calls. */
  private final ThreadLocal<int[]> termCounts;

  LinearModel(
      int[] wordBuckets,
      float[] wordIdf,
      int[] charBuckets,
      float[] charIdf,
      float[][] weights,
      float[] bias,
      int maxChars) {
    this.wordBuckets = wordBuckets;
    this.charBuckets = charBuckets;
    this.bias = bias;
    this.maxChars = maxChars;
    this.wordIndex = new LinearFeatures.BucketIndex(wordBuckets, 0);
    this.charIndex = new LinearFeatures.BucketIndex(charBuckets, wordBuckets.length);
    int columns = wordBuckets.length + charBuckets.length;
    this.termCounts = ThreadLocal.withInitial(() -> new int[columns]);
    int labels = weights.length;
    this.stride =
        Integer.highestOneBit(labels) * 2; // the least power of two above labels: IDF + weights fit
    this.rows = LinearFeatures.idfRows(wordIdf, charIdf, stride);
    for (int j = 0; j < labels; j++) {
      for (int k = 0; k < weights[j].length; k++) {
        rows[k * stride + 1 + j] = weights[j][k];
      }
    }
  }

  /**
   * Returns the number of labels scored.
   *
   * @return the label count
   */
  public int labels() {
    return bias.length;
  }

  /**
   * Returns the number of features (word plus character).
   *
   * @return the feature count
   */
  public int features() {
    return wordBuckets.length + charBuckets.length;
  }

  /**
   * Returns the log-odds per label for one comment's tokens.
   *
   * @param tokens the comment's (mask-resolved) tokens
   * @return one logit per label
   */
  public double[] logits(List<String> tokens) {
    LinearFeatures.Sparse x =
        LinearFeatures.vectorize(
            tokens, wordIndex, charIndex, rows, stride, maxChars, termCounts.get());
    int labels = bias.length;
    double[] out = new double[labels];
    for (int j = 0; j < labels; j++) {
      out[j] = bias[j];
    }
    // Same terms in the same order per label as a row-by-row dot product, so the same result.
    for (int k = 0; k < x.size(); k++) {
      int base = x.index()[k] * stride + 1;
      float v = x.value()[k];
      for (int j = 0; j < labels; j++) {
        out[j] += rows[base + j] * v;
      }
    }
    return out;
  }

  /**
   * Splits one comment's log-odds, less the bias, over its tokens: each n-gram's TF-IDF value times
   * its weight, credited to the tokens it was made from ({@link LinearFeatures#credits}). The
   * contributions of a label add up to its logit minus its bias.
   *
   * @param tokens the comment's (mask-resolved) tokens, as for {@link #logits}
   * @param labels the label indexes to explain
   * @return {@code [labels.length][tokens.size()]} contributions
   */
  public double[][] tokenContributions(List<String> tokens, int[] labels) {
    LinearFeatures.Sparse x =
        LinearFeatures.vectorize(
            tokens, wordIndex, charIndex, rows, stride, maxChars, termCounts.get());
    Map<Integer, Float> values = new HashMap<>(x.size() * 2);
    for (int k = 0; k < x.size(); k++) {
      values.put(x.index()[k], x.value()[k]);
    }
    double[][] out = new double[labels.length][tokens.size()];
    credit(LinearFeatures.credits(tokens, true, maxChars), wordIndex, values, labels, out);
    credit(LinearFeatures.credits(tokens, false, maxChars), charIndex, values, labels, out);
    return out;
  }

  private void credit(
      LinearFeatures.Credits credits,
      LinearFeatures.BucketIndex index,
      Map<Integer, Float> values,
      int[] labels,
      double[][] out) {
    int[] column = new int[credits.size()];
    Map<Integer, Float> tf = new HashMap<>();
    for (int k = 0; k < credits.size(); k++) {
      column[k] = index.column(credits.bucket()[k]);
      if (column[k] >= 0) {
        tf.merge(column[k], credits.share()[k], Float::sum);
      }
    }
    for (int k = 0; k < credits.size(); k++) {
      int c = column[k];
      int t = credits.token()[k];
      if (c < 0 || t < 0) {
        continue;
      }
      double perShare = values.get(c) / tf.get(c) * credits.share()[k];
      for (int l = 0; l < labels.length; l++) {
        out[l][t] += perShare * rows[c * stride + 1 + labels[l]];
      }
    }
  }

  int[] wordBuckets() {
    return wordBuckets;
  }

  int[] charBuckets() {
    return charBuckets;
  }

  float bias(int label) {
    return bias[label];
  }

  int maxChars() {
    return maxChars;
  }

  /** Entry {@code entry} of {@code count} rows from row {@code from}. */
  float[] column(int entry, int from, int count) {
    float[] out = new float[count];
    for (int k = 0; k < count; k++) {
      out[k] = rows[(from + k) * stride + entry];
    }
    return out;
  }
}

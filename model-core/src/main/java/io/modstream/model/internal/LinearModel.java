package io.modstream.model.internal;

import io.modstream.model.training.LinearConfig;
import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * TF-IDF over hashed word 1-2-grams and character 2-5-grams, one logistic regression per label
 * trained by liblinear. Features are the most frequent hash buckets (by document count); word
 * and character blocks are each sublinear-TF, smoothed-IDF weighted and L2-normalised, as in
 * scikit-learn's {@code TfidfVectorizer(sublinear_tf=True)}. Immutable and thread-safe.
 */
public final class LinearModel {

  private static final int MAGIC = 0x4D534C4E; // "MSLN"
  private static final int FORMAT = 1;
  private static final int HASH_BITS = 22;
  private static final int MIN_CHAR_GRAM = 2;
  private static final int MAX_CHAR_GRAM = 5;

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
  private final BucketIndex wordIndex;
  private final BucketIndex charIndex;
  /** Per-thread term counts by column, all zero between calls. */
  private final ThreadLocal<int[]> termCounts;

  private LinearModel(
      int[] wordBuckets, float[] wordIdf, int[] charBuckets, float[] charIdf, float[][] weights, float[] bias, int maxChars) {
    this.wordBuckets = wordBuckets;
    this.charBuckets = charBuckets;
    this.bias = bias;
    this.maxChars = maxChars;
    this.wordIndex = new BucketIndex(wordBuckets, 0);
    this.charIndex = new BucketIndex(charBuckets, wordBuckets.length);
    int columns = wordBuckets.length + charBuckets.length;
    this.termCounts = ThreadLocal.withInitial(() -> new int[columns]);
    int labels = weights.length;
    this.stride = Integer.highestOneBit(labels) * 2; // the least power of two above labels: IDF + weights fit
    this.rows = idfRows(wordIdf, charIdf, stride);
    for (int j = 0; j < labels; j++) {
      for (int k = 0; k < weights[j].length; k++) {
        rows[k * stride + 1 + j] = weights[j][k];
      }
    }
  }

  /** The IDF of each column (word columns first) at {@code [column * stride]}; the rest zero. */
  private static float[] idfRows(float[] wordIdf, float[] charIdf, int stride) {
    float[] rows = new float[(wordIdf.length + charIdf.length) * stride];
    for (int k = 0; k < wordIdf.length; k++) {
      rows[k * stride] = wordIdf[k];
    }
    for (int k = 0; k < charIdf.length; k++) {
      rows[(wordIdf.length + k) * stride] = charIdf[k];
    }
    return rows;
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
    Sparse x = vectorize(tokens, wordIndex, charIndex, rows, stride, maxChars, termCounts.get());
    int labels = bias.length;
    double[] out = new double[labels];
    for (int j = 0; j < labels; j++) {
      out[j] = bias[j];
    }
    // Same terms in the same order per label as a row-by-row dot product, so the same result.
    for (int k = 0; k < x.size; k++) {
      int base = x.index[k] * stride + 1;
      float v = x.value[k];
      for (int j = 0; j < labels; j++) {
        out[j] += rows[base + j] * v;
      }
    }
    return out;
  }

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
      throw new IllegalArgumentException("need one truth row per document and at least one document");
    }
    int[] wordDf = new int[1 << HASH_BITS];
    int[] charDf = new int[1 << HASH_BITS];
    for (List<String> doc : docs) {
      countDistinct(buckets(doc, true, config.maxChars()), wordDf);
      countDistinct(buckets(doc, false, config.maxChars()), charDf);
    }
    int[] wordBuckets = select(wordDf, config.wordFeatures(), config.minDocumentFrequency());
    int[] charBuckets = select(charDf, config.charFeatures(), config.minDocumentFrequency());
    float[] wordIdf = idf(wordBuckets, wordDf, n);
    float[] charIdf = idf(charBuckets, charDf, n);
    BucketIndex wordIndex = new BucketIndex(wordBuckets, 0);
    BucketIndex charIndex = new BucketIndex(charBuckets, wordBuckets.length);
    float[] idf = idfRows(wordIdf, charIdf, 1);
    int[] counts = new int[wordBuckets.length + charBuckets.length];

    Feature[][] x = new Feature[n][];
    for (int i = 0; i < n; i++) {
      Sparse s = vectorize(docs.get(i), wordIndex, charIndex, idf, 1, config.maxChars(), counts).sorted();
      Feature[] row = new Feature[s.size + 1];
      for (int k = 0; k < s.size; k++) {
        row[k] = new FeatureNode(s.index[k] + 1, s.value[k]);
      }
      row[s.size] = new FeatureNode(wordBuckets.length + charBuckets.length + 1, 1.0); // the bias term
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
    return new LinearModel(wordBuckets, wordIdf, charBuckets, charIdf, weights, bias, config.maxChars());
  }

  /**
   * Writes the model in a compact binary form.
   *
   * @param out the stream (not closed)
   * @throws IOException on write failure
   */
  public void write(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(MAGIC);
    d.writeInt(FORMAT);
    d.writeInt(maxChars);
    d.writeInt(bias.length);
    writeInts(d, wordBuckets);
    writeFloats(d, column(0, 0, wordBuckets.length));
    writeInts(d, charBuckets);
    writeFloats(d, column(0, wordBuckets.length, charBuckets.length));
    for (int j = 0; j < bias.length; j++) {
      d.writeFloat(bias[j]);
      writeFloats(d, column(1 + j, 0, features()));
    }
    d.flush();
  }

  /** Entry {@code entry} of {@code count} rows from row {@code from}. */
  private float[] column(int entry, int from, int count) {
    float[] out = new float[count];
    for (int k = 0; k < count; k++) {
      out[k] = rows[(from + k) * stride + entry];
    }
    return out;
  }

  /**
   * Reads a model written by {@link #write}.
   *
   * @param in the stream
   * @return the model
   * @throws IOException if the content is not a linear model of a known format
   */
  public static LinearModel read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != MAGIC) {
      throw new IOException("not a modstream linear model");
    }
    int format = d.readInt();
    if (format != FORMAT) {
      throw new IOException("linear model format " + format + " is not supported (this build reads " + FORMAT + ")");
    }
    int maxChars = d.readInt();
    int labels = d.readInt();
    int[] wordBuckets = readInts(d);
    float[] wordIdf = readFloats(d);
    int[] charBuckets = readInts(d);
    float[] charIdf = readFloats(d);
    if (wordIdf.length != wordBuckets.length || charIdf.length != charBuckets.length || labels < 1) {
      throw new IOException("linear model arrays disagree in length");
    }
    float[][] weights = new float[labels][];
    float[] bias = new float[labels];
    for (int j = 0; j < labels; j++) {
      bias[j] = d.readFloat();
      weights[j] = readFloats(d);
      if (weights[j].length != wordBuckets.length + charBuckets.length) {
        throw new IOException("linear model weights disagree with its features");
      }
    }
    return new LinearModel(wordBuckets, wordIdf, charBuckets, charIdf, weights, bias, maxChars);
  }

  // --- features ---

  /** A document's TF-IDF vector: columns in order of first occurrence, or ascending once sorted. */
  record Sparse(int[] index, float[] value, int size) {
    /** The same vector with ascending columns, as liblinear wants. */
    Sparse sorted() {
      Integer[] order = new Integer[size];
      Arrays.setAll(order, k -> k);
      Arrays.sort(order, (a, b) -> Integer.compare(index[a], index[b]));
      int[] i = new int[size];
      float[] v = new float[size];
      for (int k = 0; k < size; k++) {
        i[k] = index[order[k]];
        v[k] = value[order[k]];
      }
      return new Sparse(i, v, size);
    }
  }

  /**
   * Vectorizes one document. Training and scoring both use this, so a document gets the same
   * values in both.
   *
   * @param idf the IDF of column {@code c} at {@code [c * stride]}
   * @param counts zeros, one per column; left zero
   */
  static Sparse vectorize(List<String> tokens, BucketIndex wordIndex, BucketIndex charIndex, float[] idf, int stride,
      int maxChars, int[] counts) {
    int[] word = buckets(tokens, true, maxChars);
    int[] chars = buckets(tokens, false, maxChars);
    int[] index = new int[word.length + chars.length];
    float[] value = new float[index.length];
    int size = tfidf(word, wordIndex, idf, stride, index, value, 0, counts);
    size = tfidf(chars, charIndex, idf, stride, index, value, size, counts);
    return new Sparse(index, value, size);
  }

  /** Hash buckets of a document's word 1-2-grams or character 2-5-grams, with repeats. */
  static int[] buckets(List<String> tokens, boolean words, int maxChars) {
    IntList out = new IntList(words ? tokens.size() * 2 : Math.min(maxChars, 64 * tokens.size() + 64) * 4);
    if (words) {
      int previous = 0;
      for (int i = 0; i < tokens.size(); i++) {
        int h = tokens.get(i).hashCode();
        out.add(bucket(mix(h)));
        if (i > 0) {
          out.add(bucket(mix(previous * 0x01000193 ^ h ^ 0x5bd1e995)));
        }
        previous = h;
      }
      return out.toArray();
    }
    StringBuilder text = new StringBuilder(" ");
    for (String t : tokens) {
      if (text.length() >= maxChars) {
        break;
      }
      text.append(t).append(' ');
    }
    int len = Math.min(text.length(), maxChars);
    for (int i = 0; i < len; i++) {
      int h = 0;
      for (int n = 1; n <= MAX_CHAR_GRAM && i + n <= len; n++) {
        h = 31 * h + text.charAt(i + n - 1);
        if (n >= MIN_CHAR_GRAM) {
          out.add(bucket(mix(h + n * 0x9E3779B9)));
        }
      }
    }
    return out.toArray();
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int bucket(int mixed) {
    return mixed >>> (32 - HASH_BITS);
  }

  /**
   * Selected hash buckets to feature columns: an open-addressing table (load at most one half)
   * instead of a binary search over the sorted buckets, which cost more than the rest of scoring.
   * A slot holds its column and bucket in one long, so a probe reads one cache line, not two.
   */
  static final class BucketIndex {
    private static final long EMPTY = -1L;
    /** {@code column << 32 | bucket}, or {@link #EMPTY}. */
    private final long[] slots;
    private final int mask;

    BucketIndex(int[] selected, int offset) {
      int size = Integer.highestOneBit(Math.max(2, selected.length) * 2) * 2;
      slots = new long[size];
      mask = size - 1;
      Arrays.fill(slots, EMPTY);
      for (int k = 0; k < selected.length; k++) {
        int slot = selected[k] & mask;
        while (slots[slot] != EMPTY) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = (long) (k + offset) << 32 | selected[k];
      }
    }

    /** The column of a bucket (already a mixed hash, so its low bits spread), or -1. */
    int column(int bucket) {
      int slot = bucket & mask;
      while (true) {
        long entry = slots[slot];
        if ((int) entry == bucket) {
          return (int) (entry >>> 32);
        }
        if (entry == EMPTY) {
          return -1;
        }
        slot = (slot + 1) & mask;
      }
    }
  }

  /** {@code 1 + ln(tf)} for small term counts (the same doubles Math.log gives, looked up). */
  private static final double[] SUBLINEAR_TF = new double[256];

  static {
    for (int tf = 1; tf < SUBLINEAR_TF.length; tf++) {
      SUBLINEAR_TF[tf] = 1 + Math.log(tf);
    }
  }

  /**
   * Counts a block's selected buckets by column (no sort: a dense count array, reset after) and
   * writes sublinear TF times IDF, L2-normalised, in order of first occurrence.
   */
  private static int tfidf(int[] buckets, BucketIndex columns, float[] idf, int stride, int[] index, float[] value,
      int start, int[] counts) {
    int size = start;
    for (int b : buckets) {
      int c = columns.column(b);
      if (c >= 0 && counts[c]++ == 0) {
        index[size++] = c;
      }
    }
    double norm = 0;
    for (int k = start; k < size; k++) {
      int c = index[k];
      int tf = counts[c];
      counts[c] = 0;
      double sublinear = tf < SUBLINEAR_TF.length ? SUBLINEAR_TF[tf] : 1 + Math.log(tf);
      float v = (float) (sublinear * idf[c * stride]);
      value[k] = v;
      norm += (double) v * v;
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int k = start; k < size; k++) {
        value[k] *= inv;
      }
    }
    return size;
  }

  private static void countDistinct(int[] buckets, int[] df) {
    int[] sorted = buckets.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        df[sorted[i]]++;
      }
    }
  }

  /** The buckets with the highest document counts (at least {@code minDf}), sorted by bucket. */
  private static int[] select(int[] df, int max, int minDf) {
    IntList candidates = new IntList(1 << 16);
    for (int b = 0; b < df.length; b++) {
      if (df[b] >= minDf) {
        candidates.add(b);
      }
    }
    int[] c = candidates.toArray();
    if (c.length > max) {
      Integer[] boxed = Arrays.stream(c).boxed().toArray(Integer[]::new);
      Arrays.sort(boxed, (a, b) -> df[b] != df[a] ? Integer.compare(df[b], df[a]) : Integer.compare(a, b));
      c = new int[max];
      for (int i = 0; i < max; i++) {
        c[i] = boxed[i];
      }
    }
    Arrays.sort(c);
    return c;
  }

  private static float[] idf(int[] buckets, int[] df, int n) {
    float[] idf = new float[buckets.length];
    for (int k = 0; k < buckets.length; k++) {
      idf[k] = (float) (Math.log((1.0 + n) / (1.0 + df[buckets[k]])) + 1);
    }
    return idf;
  }

  private static void writeInts(DataOutputStream d, int[] a) throws IOException {
    d.writeInt(a.length);
    for (int v : a) {
      d.writeInt(v);
    }
  }

  private static void writeFloats(DataOutputStream d, float[] a) throws IOException {
    d.writeInt(a.length);
    for (float v : a) {
      d.writeFloat(v);
    }
  }

  private static int[] readInts(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > 1 << HASH_BITS) {
      throw new IOException("bad array length " + n);
    }
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = d.readInt();
    }
    return a;
  }

  private static float[] readFloats(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > 2 << HASH_BITS) {
      throw new IOException("bad array length " + n);
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = d.readFloat();
    }
    return a;
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
      data = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}

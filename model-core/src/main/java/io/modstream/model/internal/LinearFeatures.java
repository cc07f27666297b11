package io.modstream.model.internal;

import java.util.Arrays;
import java.util.List;

/**
 * The linear model's featurizer: hashed word 1-2-grams and character 2-5-grams, weighted by
 * sublinear TF and smoothed IDF and L2-normalised per block. Training and scoring both vectorize
 * through here, so a document gets the same values in both.
 */
final class LinearFeatures {

  static final int HASH_BITS = 22;
  private static final int MIN_CHAR_GRAM = 2;
  private static final int MAX_CHAR_GRAM = 5;

  private LinearFeatures() {}

  /** The IDF of each column (word columns first) at {@code [column * stride]}; the rest zero. */
  static float[] idfRows(float[] wordIdf, float[] charIdf, int stride) {
    float[] rows = new float[(wordIdf.length + charIdf.length) * stride];
    for (int k = 0; k < wordIdf.length; k++) {
      rows[k * stride] = wordIdf[k];
    }
    for (int k = 0; k < charIdf.length; k++) {
      rows[(wordIdf.length + k) * stride] = charIdf[k];
    }
    return rows;
  }

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
   * Vectorizes one document. Training and scoring both use this, so a document gets the same values
   * in both.
   *
   * @param idf the IDF of column {@code c} at {@code [c * stride]}
   * @param counts zeros, one per column; left zero
   */
  static Sparse vectorize(
      List<String> tokens,
      BucketIndex wordIndex,
      BucketIndex charIndex,
      float[] idf,
      int stride,
      int maxChars,
      int[] counts) {
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
    IntList out =
        new IntList(words ? tokens.size() * 2 : Math.min(maxChars, 64 * tokens.size() + 64) * 4);
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

  /**
   * The same buckets as {@link #buckets} (word block, or character block), each credited to the
   * tokens it was made from: a word unigram to its token, a bigram half to each of its two, a
   * character n-gram to the token holding most of its characters. Explanations split each n-gram's
   * contribution this way, so the tokens' contributions add up to the block's.
   */
  record Credits(int[] bucket, int[] token, float[] share, int size) {}

  static Credits credits(List<String> tokens, boolean words, int maxChars) {
    int capacity = words ? tokens.size() * 3 + 4 : Math.min(maxChars, 64 * tokens.size() + 64) * 4;
    int[] bucket = new int[capacity];
    int[] token = new int[capacity];
    float[] share = new float[capacity];
    int n = 0;
    if (words) {
      int previous = 0;
      for (int i = 0; i < tokens.size(); i++) {
        int h = tokens.get(i).hashCode();
        bucket[n] = bucket(mix(h));
        token[n] = i;
        share[n++] = 1;
        if (i > 0) {
          int b = bucket(mix(previous * 0x01000193 ^ h ^ 0x5bd1e995));
          bucket[n] = b;
          token[n] = i - 1;
          share[n++] = 0.5f;
          bucket[n] = b;
          token[n] = i;
          share[n++] = 0.5f;
        }
        previous = h;
      }
      return new Credits(bucket, token, share, n);
    }
    StringBuilder text = new StringBuilder(" ");
    IntList owner = new IntList(maxChars + 1);
    owner.add(-1);
    for (int t = 0; t < tokens.size(); t++) {
      if (text.length() >= maxChars) {
        break;
      }
      String s = tokens.get(t);
      text.append(s).append(' ');
      for (int k = 0; k < s.length(); k++) {
        owner.add(t);
      }
      owner.add(-1);
    }
    int[] of = owner.toArray();
    int len = Math.min(text.length(), maxChars);
    for (int i = 0; i < len; i++) {
      int h = 0;
      for (int g = 1; g <= MAX_CHAR_GRAM && i + g <= len; g++) {
        h = 31 * h + text.charAt(i + g - 1);
        if (g >= MIN_CHAR_GRAM) {
          if (n == bucket.length) {
            bucket = Arrays.copyOf(bucket, n * 2);
            token = Arrays.copyOf(token, n * 2);
            share = Arrays.copyOf(share, n * 2);
          }
          // The middle character's token, else (a space) the first token character in the gram.
          int t = of[i + g / 2];
          for (int k = i; t < 0 && k < i + g; k++) {
            t = of[k];
          }
          bucket[n] = bucket(mix(h + g * 0x9E3779B9));
          token[n] = t;
          share[n++] = 1;
        }
      }
    }
    return new Credits(bucket, token, share, n);
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
   * instead of a binary search over the sorted buckets, which cost more than the rest of scoring. A
   * slot holds its column and bucket in one long, so a probe reads one cache line, not two.
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
  private static int tfidf(
      int[] buckets,
      BucketIndex columns,
      float[] idf,
      int stride,
      int[] index,
      float[] value,
      int start,
      int[] counts) {
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

  static void countDistinct(int[] buckets, int[] df) {
    int[] sorted = buckets.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        df[sorted[i]]++;
      }
    }
  }

  /** The buckets with the highest document counts (at least {@code minDf}), sorted by bucket. */
  static int[] select(int[] df, int max, int minDf) {
    IntList candidates = new IntList(1 << 16);
    for (int b = 0; b < df.length; b++) {
      if (df[b] >= minDf) {
        candidates.add(b);
      }
    }
    int[] c = candidates.toArray();
    if (c.length > max) {
      Integer[] boxed = Arrays.stream(c).boxed().toArray(Integer[]::new);
      Arrays.sort(
          boxed, (a, b) -> df[b] != df[a] ? Integer.compare(df[b], df[a]) : Integer.compare(a, b));
      c = new int[max];
      for (int i = 0; i < max; i++) {
        c[i] = boxed[i];
      }
    }
    Arrays.sort(c);
    return c;
  }

  static float[] idf(int[] buckets, int[] df, int n) {
    float[] idf = new float[buckets.length];
    for (int k = 0; k < buckets.length; k++) {
      idf[k] = (float) (Math.log((1.0 + n) / (1.0 + df[buckets[k]])) + 1);
    }
    return idf;
  }

  /** A growable int array. */
  static final class IntList {
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

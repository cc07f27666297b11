package io.modstream.model.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * scikit-learn's {@code TfidfVectorizer(sublinear_tf=True, strip_accents="unicode")} with its
 * {@code word} or {@code char_wb} analyzer, over exact n-gram strings: lower case, then NFKD with
 * combining marks removed; words are runs of two or more word characters; {@code max_features}
 * keeps the n-grams most frequent over the whole corpus; smoothed IDF, L2 norm. It exists so that
 * the baseline is the recipe people know, not a variant of this project's own linear model.
 * Immutable and thread-safe once fitted.
 */
public final class TfidfVectorizer {

  /** How a text becomes n-grams. */
  public enum Analyzer {
    /** Word n-grams of tokens matching {@code \b\w\w+\b}. */
    WORD,
    /** Character n-grams inside each whitespace-separated word padded with one space each side. */
    CHAR_WB
  }

  private static final Pattern TOKEN =
      Pattern.compile("\\b\\w\\w+\\b", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WHITESPACE =
      Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

  private final Analyzer analyzer;
  private final int minN;
  private final int maxN;
  private final Map<String, Integer> columns;
  private final float[] idf;

  private TfidfVectorizer(
      Analyzer analyzer, int minN, int maxN, Map<String, Integer> columns, float[] idf) {
    this.analyzer = analyzer;
    this.minN = minN;
    this.maxN = maxN;
    this.columns = Map.copyOf(columns);
    this.idf = idf;
  }

  /**
   * Learns the vocabulary and IDF from texts.
   *
   * @param texts the training texts
   * @param analyzer how texts become n-grams
   * @param minN the shortest n-gram
   * @param maxN the longest n-gram
   * @param maxFeatures the most n-grams kept, by count over all texts (ties: alphabetical)
   * @return the fitted vectorizer
   */
  public static TfidfVectorizer fit(
      List<String> texts, Analyzer analyzer, int minN, int maxN, int maxFeatures) {
    if (minN < 1 || maxN < minN || maxFeatures < 1) {
      throw new IllegalArgumentException(
          "need 1 <= minN <= maxN and maxFeatures >= 1, got "
              + minN
              + ", "
              + maxN
              + ", "
              + maxFeatures);
    }
    Map<String, long[]> counts = new HashMap<>(); // {total count, document count}
    for (String text : texts) {
      Map<String, Integer> terms = termCounts(ngrams(text, analyzer, minN, maxN));
      terms.forEach(
          (term, tf) -> {
            long[] c = counts.computeIfAbsent(term, k -> new long[2]);
            c[0] += tf;
            c[1]++;
          });
    }
    List<Map.Entry<String, long[]>> ranked = new ArrayList<>(counts.entrySet());
    ranked.sort(
        (a, b) ->
            a.getValue()[0] != b.getValue()[0]
                ? Long.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
    List<String> kept = new ArrayList<>();
    for (int k = 0; k < Math.min(maxFeatures, ranked.size()); k++) {
      kept.add(ranked.get(k).getKey());
    }
    kept.sort(null); // scikit-learn orders its columns alphabetically
    Map<String, Integer> columns = new HashMap<>(kept.size() * 2);
    float[] idf = new float[kept.size()];
    for (int k = 0; k < kept.size(); k++) {
      columns.put(kept.get(k), k);
      idf[k] = (float) (Math.log((1.0 + texts.size()) / (1.0 + counts.get(kept.get(k))[1])) + 1);
    }
    return new TfidfVectorizer(analyzer, minN, maxN, columns, idf);
  }

  /**
   * Returns the number of columns.
   *
   * @return the vocabulary size
   */
  public int features() {
    return idf.length;
  }

  /**
   * A text's sublinear TF-IDF vector, L2-normalised, columns ascending from {@code offset}.
   *
   * @param text any text
   * @param offset added to every column
   * @return the columns and their values, in one array each of the same length
   */
  public Vector transform(String text, int offset) {
    Map<String, Integer> terms = termCounts(ngrams(text, analyzer, minN, maxN));
    long[] kept = new long[terms.size()]; // column << 32 | term count, to sort by column
    int size = 0;
    for (Map.Entry<String, Integer> e : terms.entrySet()) {
      Integer c = columns.get(e.getKey());
      if (c != null) {
        kept[size++] = (long) c << 32 | e.getValue();
      }
    }
    Arrays.sort(kept, 0, size);
    int[] index = new int[size];
    float[] value = new float[size];
    double norm = 0;
    for (int k = 0; k < size; k++) {
      int c = (int) (kept[k] >>> 32);
      double v = (1 + Math.log((int) kept[k])) * idf[c];
      index[k] = c + offset;
      value[k] = (float) v;
      norm += v * v;
    }
    if (norm > 0) {
      double inv = 1 / Math.sqrt(norm);
      for (int k = 0; k < size; k++) {
        value[k] = (float) (value[k] * inv);
      }
    }
    return new Vector(index, value);
  }

  /**
   * A sparse vector.
   *
   * @param index the columns, ascending
   * @param value the values, one per column
   */
  public record Vector(int[] index, float[] value) {

    /**
     * This vector followed by another whose columns all come after this one's.
     *
     * @param next the columns to append
     * @return both vectors' columns
     */
    public Vector concat(Vector next) {
      int[] i = Arrays.copyOf(index, index.length + next.index.length);
      float[] v = Arrays.copyOf(value, value.length + next.value.length);
      System.arraycopy(next.index, 0, i, index.length, next.index.length);
      System.arraycopy(next.value, 0, v, value.length, next.value.length);
      return new Vector(i, v);
    }
  }

  /** Lower case, then compatibility decomposition without combining marks, as sklearn does. */
  static String preprocess(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.chars().allMatch(ch -> ch < 128)) {
      return lower;
    }
    String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFKD);
    StringBuilder out = new StringBuilder(decomposed.length());
    decomposed
        .codePoints()
        .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /** The n-grams of a text, with repeats. */
  static List<String> ngrams(String text, Analyzer analyzer, int minN, int maxN) {
    String clean = preprocess(text);
    List<String> out = new ArrayList<>();
    if (analyzer == Analyzer.WORD) {
      List<String> tokens = new ArrayList<>();
      Matcher m = TOKEN.matcher(clean);
      while (m.find()) {
        tokens.add(m.group());
      }
      for (int n = minN; n <= Math.min(maxN, tokens.size()); n++) {
        for (int i = 0; i + n <= tokens.size(); i++) {
          out.add(n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n)));
        }
      }
      return out;
    }
    for (String word : WHITESPACE.split(clean)) {
      if (word.isEmpty()) {
        continue;
      }
      int[] w = (" " + word + " ").codePoints().toArray();
      for (int n = minN; n <= maxN; n++) {
        int offset = 0;
        out.add(new String(w, 0, Math.min(n, w.length)));
        while (offset + n < w.length) {
          offset++;
          out.add(new String(w, offset, n));
        }
        if (offset == 0) {
          break; // a word no longer than n gives one n-gram, counted once
        }
      }
    }
    return out;
  }

  private static Map<String, Integer> termCounts(List<String> ngrams) {
    Map<String, Integer> counts = new HashMap<>(ngrams.size() * 2);
    for (String g : ngrams) {
      counts.merge(g, 1, Integer::sum);
    }
    return counts;
  }
}

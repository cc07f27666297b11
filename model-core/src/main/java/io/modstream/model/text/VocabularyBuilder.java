package io.modstream.model.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts tokens, then freezes the most frequent ones into an immutable {@link Vocabulary}. Not
 * thread-safe.
 */
public final class VocabularyBuilder {

  private final Map<String, Integer> counts = new HashMap<>();
  private final int minFrequency;
  private final int maxSize;

  /**
   * Creates a builder.
   *
   * @param minFrequency a token enters the vocabulary only if seen at least this often (>= 1)
   * @param maxSize the most ids the vocabulary may hold, padding and unknown included (>= 2)
   */
  public VocabularyBuilder(int minFrequency, int maxSize) {
    if (minFrequency < 1) {
      throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
    }
    if (maxSize < 2) {
      throw new IllegalArgumentException(
          "maxSize must be at least 2 (padding and unknown), got " + maxSize);
    }
    this.minFrequency = minFrequency;
    this.maxSize = maxSize;
  }

  /**
   * Counts each token once per occurrence.
   *
   * @param tokens tokens of one text
   * @return this builder
   */
  public VocabularyBuilder add(Collection<String> tokens) {
    for (String t : tokens) {
      counts.merge(t, 1, Integer::sum);
    }
    return this;
  }

  /**
   * Returns how often a token was counted.
   *
   * @param token a token
   * @return its count
   */
  public int count(String token) {
    return counts.getOrDefault(token, 0);
  }

  /**
   * Freezes the vocabulary: padding, unknown, then tokens by descending count (ties by token, so
   * the result is deterministic), cut at {@code minFrequency} and {@code maxSize}.
   *
   * @return the immutable vocabulary
   */
  public Vocabulary build() {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() >= minFrequency
          && !e.getKey().equals(Vocabulary.PAD)
          && !e.getKey().equals(Vocabulary.UNKNOWN)) {
        entries.add(e);
      }
    }
    entries.sort(
        Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    List<String> tokens = new ArrayList<>(Math.min(maxSize, entries.size() + 2));
    tokens.add(Vocabulary.PAD);
    tokens.add(Vocabulary.UNKNOWN);
    for (int i = 0; i < entries.size() && tokens.size() < maxSize; i++) {
      tokens.add(entries.get(i).getKey());
    }
    return new Vocabulary(tokens);
  }
}

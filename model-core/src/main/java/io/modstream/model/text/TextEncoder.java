package io.modstream.model.text;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Text to padded, masked id batches: tokenizer, vocabulary and a maximum length (longer texts keep
 * their first {@code maxLength} tokens). Immutable and thread-safe.
 */
public final class TextEncoder {

  private final Tokenizer tokenizer;
  private final Vocabulary vocabulary;
  private final int maxLength;

  /**
   * Creates an encoder.
   *
   * @param tokenizer the tokenizer
   * @param vocabulary the vocabulary
   * @param maxLength the most tokens kept per text, at least 1
   */
  public TextEncoder(Tokenizer tokenizer, Vocabulary vocabulary, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
    }
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.maxLength = maxLength;
  }

  /**
   * Returns the ids of one text, truncated to the maximum length; an empty text gives one unknown
   * id.
   *
   * @param text any text
   * @return at least one id
   */
  public int[] encode(String text) {
    return encodeTokens(tokenizer.tokenize(text, maxLength));
  }

  /**
   * Encodes tokens from this encoder's tokenizer: masked words are resolved ({@link
   * Vocabulary#resolve}), at most {@code maxLength} are kept, and no tokens encode as one unknown.
   *
   * @param tokens tokens from {@link #tokenizer()}
   * @return the ids
   */
  public int[] encodeTokens(List<String> tokens) {
    return encodeResolved(tokens.stream().map(vocabulary::resolve).toList());
  }

  /**
   * As {@link #encodeTokens} for tokens already passed through {@link Vocabulary#resolve}.
   *
   * @param tokens resolved tokens
   * @return the ids
   */
  public int[] encodeResolved(List<String> tokens) {
    if (tokens.size() > maxLength) {
      tokens = tokens.subList(0, maxLength);
    }
    if (tokens.isEmpty()) {
      return new int[] {Vocabulary.UNKNOWN_ID};
    }
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.id(tokens.get(i));
    }
    return ids;
  }

  /**
   * Encodes texts into one batch padded to its longest member.
   *
   * @param texts the texts
   * @return the batch
   */
  public EncodedBatch encode(List<String> texts) {
    int[][] rows = new int[texts.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = encode(texts.get(i));
    }
    return pad(rows);
  }

  /**
   * Pads already-encoded rows into a batch.
   *
   * @param rows id rows as returned by {@link #encode(String)}
   * @return the batch
   */
  public static EncodedBatch pad(int[][] rows) {
    int width = 1;
    int[] lengths = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      lengths[i] = rows[i].length;
      width = Math.max(width, rows[i].length);
    }
    int[][] padded = new int[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      padded[i] = rows[i].length == width ? rows[i] : Arrays.copyOf(rows[i], width);
    }
    return new EncodedBatch(padded, lengths, width);
  }

  /**
   * Returns the maximum number of tokens kept per text.
   *
   * @return the maximum length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Returns the vocabulary.
   *
   * @return the vocabulary
   */
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * Returns the tokenizer.
   *
   * @return the tokenizer
   */
  public Tokenizer tokenizer() {
    return tokenizer;
  }
}

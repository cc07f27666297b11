package io.modstream.model.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable mapping between tokens and integer ids. Id {@value #PAD_ID} is the padding token and
 * id {@value #UNKNOWN_ID} the unknown token; every token not in the vocabulary maps to the unknown
 * id. Build one with {@link VocabularyBuilder}.
 */
public final class Vocabulary {

  /** The padding token; never produced by the tokenizer. */
  public static final String PAD = "<pad>";

  /** The token for everything the vocabulary does not hold. */
  public static final String UNKNOWN = "<unk>";

  /** The id of {@link #PAD}. */
  public static final int PAD_ID = 0;

  /** The id of {@link #UNKNOWN}. */
  public static final int UNKNOWN_ID = 1;

  private final List<String> tokens;
  private final Map<String, Integer> ids;

  /** Plain words by length, most frequent first, for {@link #resolve(String)}. */
  private final Map<Integer, List<String>> wordsByLength;

  Vocabulary(List<String> tokens) {
    if (tokens.size() < 2 || !PAD.equals(tokens.get(PAD_ID)) || !UNKNOWN.equals(tokens.get(1))) {
      throw new IllegalArgumentException(
          "a vocabulary must start with "
              + PAD
              + " and "
              + UNKNOWN
              + "; build it with VocabularyBuilder");
    }
    this.tokens = List.copyOf(tokens);
    Map<String, Integer> map = new HashMap<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) {
      if (map.put(tokens.get(i), i) != null) {
        throw new IllegalArgumentException(
            "duplicate token in vocabulary: '" + tokens.get(i) + "'");
      }
    }
    this.ids = Collections.unmodifiableMap(map);
    Map<Integer, List<String>> byLength = new HashMap<>();
    for (String t : this.tokens) {
      if (t.chars().allMatch(Character::isLetter)) {
        byLength.computeIfAbsent(t.length(), k -> new ArrayList<>()).add(t);
      }
    }
    byLength.replaceAll((k, v) -> List.copyOf(v));
    this.wordsByLength = Map.copyOf(byLength);
  }

  /**
   * Returns the token to look up for a tokenizer token: itself if known, else for a word with
   * masked letters ({@code f*ck}, {@code sh**}) the most frequent vocabulary word of the same
   * length that matches every unmasked letter, else itself.
   *
   * @param token a token from {@link Tokenizer}
   * @return the token to encode
   */
  public String resolve(String token) {
    if (ids.containsKey(token) || token.indexOf('*') < 0 || token.chars().allMatch(c -> c == '*')) {
      return token;
    }
    for (String word : wordsByLength.getOrDefault(token.length(), List.of())) {
      boolean match = true;
      for (int i = 0; i < token.length() && match; i++) {
        char c = token.charAt(i);
        match = c == '*' || c == word.charAt(i);
      }
      if (match) {
        return word;
      }
    }
    return token;
  }

  /**
   * Returns the id of a token, or {@link #UNKNOWN_ID}.
   *
   * @param token a token from {@link Tokenizer}
   * @return its id
   */
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? UNKNOWN_ID : id;
  }

  /**
   * Returns the token with an id.
   *
   * @param id an id in {@code [0, size())}
   * @return the token
   */
  public String token(int id) {
    return tokens.get(id);
  }

  /**
   * Returns whether the token has its own id.
   *
   * @param token a token
   * @return true if known
   */
  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /**
   * Returns the number of ids, including padding and unknown.
   *
   * @return the size
   */
  public int size() {
    return tokens.size();
  }

  /**
   * Writes one token per line, in id order.
   *
   * @param out the destination; not closed
   * @throws IOException on write failure
   */
  public void write(Writer out) throws IOException {
    for (String token : tokens) {
      out.write(token);
      out.write('\n');
    }
    out.flush();
  }

  /**
   * Reads a vocabulary written by {@link #write(Writer)}.
   *
   * @param in the source; not closed
   * @return the vocabulary
   * @throws IOException on read failure or if the content is not a vocabulary
   */
  public static Vocabulary read(Reader in) throws IOException {
    List<String> tokens = new ArrayList<>();
    BufferedReader reader = new BufferedReader(in);
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      tokens.add(line);
    }
    try {
      return new Vocabulary(tokens);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a valid vocabulary: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vocabulary v && v.tokens.equals(tokens);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode();
  }

  @Override
  public String toString() {
    return "Vocabulary[size=" + tokens.size() + "]";
  }
}

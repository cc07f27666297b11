package io.modstream.model.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns raw comment text into tokens, identically in training and serving.
 *
 * <p>Steps: lone surrogates become U+FFFD; control characters become spaces; invisible format
 * characters (zero-width space/joiner, BOM, bidi marks) are removed, so {@code f\u200Buck} reads as
 * {@code fuck}; Unicode NFKC; lower case under {@link Locale#ROOT}. Then URLs, e-mail addresses,
 * user mentions and numbers become the placeholder tokens {@link #URL}, {@link #EMAIL}, {@link
 * #USER} and {@link #NUMBER}; words (letters, marks and digits with at least one letter, so {@code
 * 1d10t} stays one token) and every other visible code point (punctuation, emoji) become tokens.
 * {@code TokenScanner} gives the grammar, as a regular expression.
 *
 * <p>Every part of that grammar is bounded, so tokenization is linear in the input length whatever
 * the input (a megabyte with no spaces, invalid UTF-16, only digits). Instances are immutable and
 * thread-safe.
 */
public final class Tokenizer {

  /** Placeholder for a URL. */
  public static final String URL = "<url>";

  /** Placeholder for an e-mail address. */
  public static final String EMAIL = "<email>";

  /** Placeholder for an {@code @mention}. */
  public static final String USER = "<user>";

  /** Placeholder for a number (digits with optional separators). */
  public static final String NUMBER = "<num>";

  /** The current tokenization scheme; stored in bundles so a mismatch is detected at load. */
  public static final int SCHEME_VERSION = 2;

  /**
   * The scheme of {@link #wordPiece}: BERT uncased word pieces over the bundle's vocabulary (an
   * opt-in for pretrained embeddings; {@link #standard()} stays the default).
   */
  public static final int WORDPIECE_SCHEME = 3;

  private static final Tokenizer V1 = new Tokenizer(1, null);
  private static final Tokenizer V2 = new Tokenizer(2, null);

  private final int scheme;
  private final WordPiece wordPiece;

  private Tokenizer(int scheme, WordPiece wordPiece) {
    this.scheme = scheme;
    this.wordPiece = wordPiece;
  }

  /**
   * Returns a BERT uncased WordPiece tokenizer (scheme {@value #WORDPIECE_SCHEME}): lower case,
   * accents stripped, split around whitespace and punctuation, then each word into the longest
   * pieces {@code pieces} holds ({@code ##} marks a piece inside a word); a word the pieces cannot
   * cover becomes {@link Vocabulary#UNKNOWN}.
   *
   * @param pieces the word pieces, for example all-MiniLM-L6-v2's vocabulary or a bundle's
   * @return the tokenizer
   */
  public static Tokenizer wordPiece(Collection<String> pieces) {
    return new Tokenizer(WORDPIECE_SCHEME, new WordPiece(new HashSet<>(pieces)));
  }

  /**
   * Returns the tokenizer for {@link #SCHEME_VERSION}.
   *
   * @return the shared, thread-safe instance
   */
  public static Tokenizer standard() {
    return V2;
  }

  /**
   * Returns the tokenizer for a scheme version read from a bundle.
   *
   * @param schemeVersion the version recorded when the bundle was trained
   * @return the tokenizer
   * @throws IllegalArgumentException if this build does not know that scheme
   */
  public static Tokenizer forScheme(int schemeVersion) {
    return switch (schemeVersion) {
      case 1 -> V1;
      case 2 -> V2;
      case WORDPIECE_SCHEME ->
          throw new IllegalArgumentException(
              "tokenizer scheme "
                  + WORDPIECE_SCHEME
                  + " (word pieces) needs the bundle's vocabulary; use forScheme(scheme,"
                  + " vocabulary)");
      default ->
          throw new IllegalArgumentException(
              "tokenizer scheme "
                  + schemeVersion
                  + " is not supported by this build (it knows schemes 1 to "
                  + WORDPIECE_SCHEME
                  + "); retrain the model or upgrade modstream");
    };
  }

  /**
   * Returns the tokenizer of a bundle: {@link #forScheme(int)}, or for the word-piece scheme a
   * tokenizer over the bundle vocabulary's pieces, so the bundle needs nothing else to tokenize.
   *
   * @param schemeVersion the version recorded when the bundle was trained
   * @param vocabulary the bundle's vocabulary
   * @return the tokenizer
   * @throws IllegalArgumentException if this build does not know that scheme
   */
  public static Tokenizer forScheme(int schemeVersion, Vocabulary vocabulary) {
    if (schemeVersion != WORDPIECE_SCHEME) {
      return forScheme(schemeVersion);
    }
    List<String> pieces = new ArrayList<>(vocabulary.size());
    for (int id = 0; id < vocabulary.size(); id++) {
      pieces.add(vocabulary.token(id));
    }
    return wordPiece(pieces);
  }

  /**
   * Returns this tokenizer's scheme version.
   *
   * @return the version to record in a bundle
   */
  public int scheme() {
    return scheme;
  }

  /**
   * Tokenizes all of {@code text}.
   *
   * @param text any string; null is treated as empty
   * @return the tokens, possibly empty
   */
  public List<String> tokenize(String text) {
    return tokenize(text, Integer.MAX_VALUE);
  }

  /**
   * Tokenizes the start of {@code text}, stopping after {@code maxTokens} tokens; serving calls
   * this so a huge comment costs no more than its scored prefix.
   *
   * @param text any string; null is treated as empty
   * @param maxTokens the most tokens to return, at least 1
   * @return at most {@code maxTokens} tokens
   */
  public List<String> tokenize(String text, int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
    }
    List<String> tokens = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return tokens;
    }
    if (wordPiece != null) {
      return wordPiece.tokenize(text, maxTokens);
    }
    if (scheme >= 2) {
      return Deobfuscation.tokenize(Deobfuscation.fold(normalize(text)), maxTokens);
    }
    TokenScanner scanner = new TokenScanner(normalize(text), scheme);
    while (tokens.size() < maxTokens && scanner.find()) {
      tokens.add(scanner.value());
    }
    return tokens;
  }

  /** Cleans, NFKC-normalizes and lower-cases; visible for tests. */
  static String normalize(String text) {
    Objects.requireNonNull(text, "text");
    String ascii = normalizeAscii(text);
    return ascii != null ? ascii : normalizeUnicode(text);
  }

  /** {@link #normalize} for any text; visible for tests. */
  static String normalizeUnicode(String text) {
    StringBuilder clean = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, text.charAt(i + 1));
          i++;
          if (Character.getType(cp) != Character.FORMAT) {
            clean.appendCodePoint(cp);
          }
        } else {
          clean.append('\uFFFD');
        }
      } else if (Character.isLowSurrogate(c)) {
        clean.append('\uFFFD');
      } else if (Character.isISOControl(c)) {
        clean.append(' ');
      } else if (Character.getType(c) != Character.FORMAT) {
        clean.append(c);
      }
    }
    return Normalizer.normalize(clean, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  /**
   * What {@link #normalize} gives for ASCII text, or null for any other: NFKC leaves ASCII as it
   * is, so only control characters (to spaces) and upper case change. Most comments are ASCII.
   */
  private static String normalizeAscii(String text) {
    char[] out = new char[text.length()];
    for (int i = 0; i < out.length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        return null;
      }
      out[i] = c < 0x20 || c == 0x7F ? ' ' : c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return new String(out);
  }
}

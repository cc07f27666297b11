package io.modstream.model;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns raw comment text into tokens, identically in training and serving.
 *
 * <p>Steps: lone surrogates become U+FFFD; control characters become spaces; invisible format
 * characters (zero-width space/joiner, BOM, bidi marks) are removed, so {@code f\u200Buck} reads
 * as {@code fuck}; Unicode NFKC; lower case under {@link Locale#ROOT}. Then URLs, e-mail
 * addresses, user mentions and numbers become the placeholder tokens {@link #URL}, {@link
 * #EMAIL}, {@link #USER} and {@link #NUMBER}; words (letters, marks and digits with at least one
 * letter, so {@code 1d10t} stays one token) and every other visible code point (punctuation,
 * emoji) become tokens.
 *
 * <p>Every pattern is bounded, so tokenization is linear in the input length whatever the input
 * (a megabyte with no spaces, invalid UTF-16, only digits). Instances are immutable and
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

  private static final String URL_PART = "(?<url>(?:https?://|www\\.)[^\\s]{1,2048})";
  private static final String EMAIL_PART =
      "|(?<email>[\\p{L}\\p{N}._%+-]{1,64}@[\\p{L}\\p{N}-]{1,63}(?:\\.[\\p{L}\\p{N}-]{1,63}){1,8})";
  private static final String USER_PART = "|(?<user>@[\\p{L}\\p{N}_]{1,64})";
  /**
   * Stands in for the e-mail and mention alternatives in text without an '@': both need one, so
   * they cannot match there, and a literal '@' fails at once where the e-mail alternative would
   * scan each word and backtrack. Same groups, same tokens; tokenizing took ~30% less (JMH, README).
   */
  private static final String NO_AT_PARTS = "|(?<email>@)|(?<user>@)";
  private static final String WORD_V1_PART = "|(?<word>[\\p{N}_]{0,32}\\p{L}[\\p{L}\\p{M}\\p{N}_]*(?:['\u2019][\\p{L}\\p{M}]+)*)";
  /**
   * Scheme 2's words may hold the symbols people use to disguise letters ({@code $h!t}, {@code
   * f*ck}, {@code @ss} after a letter); symbols at a word's edges are split off again.
   */
  private static final String WORD_V2_PART =
      "|(?<word>[\\p{N}_$!*|]{0,32}\\p{L}[\\p{L}\\p{M}\\p{N}_$@!*|]*(?:['\u2019][\\p{L}\\p{M}]+)*)";
  private static final String REST_PART = "|(?<num>\\p{N}+(?:[.,:]\\p{N}+)*)|(?<other>\\S)";

  private static final Pattern TOKEN = Pattern.compile(URL_PART + EMAIL_PART + USER_PART + WORD_V1_PART + REST_PART);
  private static final Pattern TOKEN_NO_AT = Pattern.compile(URL_PART + NO_AT_PARTS + WORD_V1_PART + REST_PART);
  private static final Pattern TOKEN_V2 = Pattern.compile(URL_PART + EMAIL_PART + USER_PART + WORD_V2_PART + REST_PART);
  private static final Pattern TOKEN_V2_NO_AT = Pattern.compile(URL_PART + NO_AT_PARTS + WORD_V2_PART + REST_PART);

  /**
   * Group numbers of the patterns above, in the order of their alternatives (looking groups up
   * by name costs a map lookup per token); {@code TokenizerTest} checks them against the names.
   */
  static final int URL_GROUP = 1;
  static final int EMAIL_GROUP = 2;
  static final int USER_GROUP = 3;
  static final int WORD_GROUP = 4;
  static final int NUM_GROUP = 5;

  private static final Tokenizer V1 = new Tokenizer(1);
  private static final Tokenizer V2 = new Tokenizer(2);

  private final int scheme;

  private Tokenizer(int scheme) {
    this.scheme = scheme;
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
      default -> throw new IllegalArgumentException(
          "tokenizer scheme "
              + schemeVersion
              + " is not supported by this build (it knows schemes 1 to "
              + SCHEME_VERSION
              + "); retrain the model or upgrade modstream");
    };
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
    if (scheme >= 2) {
      String folded = Deobfuscation.fold(normalize(text));
      return Deobfuscation.tokenize(folded, pattern(folded), maxTokens);
    }
    String normalized = normalize(text);
    Matcher m = pattern(normalized).matcher(normalized);
    while (tokens.size() < maxTokens && m.find()) {
      if (m.start(URL_GROUP) >= 0) {
        tokens.add(URL);
      } else if (m.start(EMAIL_GROUP) >= 0) {
        tokens.add(EMAIL);
      } else if (m.start(USER_GROUP) >= 0) {
        tokens.add(USER);
      } else if (m.start(NUM_GROUP) >= 0) {
        tokens.add(NUMBER);
      } else {
        tokens.add(m.group());
      }
    }
    return tokens;
  }

  /** This scheme's pattern for {@code normalized} text; visible for tests. */
  Pattern pattern(String normalized) {
    boolean at = normalized.indexOf('@') >= 0;
    if (scheme >= 2) {
      return at ? TOKEN_V2 : TOKEN_V2_NO_AT;
    }
    return at ? TOKEN : TOKEN_NO_AT;
  }

  /** Cleans, NFKC-normalizes and lower-cases; visible for tests. */
  static String normalize(String text) {
    Objects.requireNonNull(text, "text");
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
}

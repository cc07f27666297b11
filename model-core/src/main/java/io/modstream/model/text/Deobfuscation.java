package io.modstream.model.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Tokenizer scheme 2's undoing of common disguises, so {@code fuuuck}, {@code f u c k}, {@code
 * f.u.c.k}, {@code 1d10t}, {@code $h!t}, {@code f\u00fcck} and Cyrillic look-alikes read as the
 * word they hide. Masked letters ({@code f*ck}) stay in the token; {@link Vocabulary#resolve} fills
 * them from the vocabulary. Stateless.
 */
final class Deobfuscation {

  /** Cyrillic and Greek lower-case letters that look like Latin ones, and those Latin letters. */
  private static final String LOOKALIKES =
      "\u0430a\u0432b\u0435e\u0451e\u043ak\u043cm\u043dh\u043eo\u0440p\u0441c\u0442t\u0443y\u0445x"
          + "\u0455s\u0456i\u0457i\u0458j\u04bbh\u0501d\u051bq\u051dw\u0261g"
          + "\u03b1a\u03b2b\u03b5e\u03b9i\u03ba"
          + "k\u03bdv\u03bfo\u03c1p\u03c4t\u03c5u\u03c7x\u03c9w";

  private static final char[] FOLD = new char[0x0530];

  static {
    for (int i = 0; i < LOOKALIKES.length(); i += 2) {
      FOLD[LOOKALIKES.charAt(i)] = LOOKALIKES.charAt(i + 1);
    }
  }

  /** Symbols and digits read as letters inside a word. */
  private static final String LEET_FROM = "0134578$@!|";

  private static final String LEET_TO = "oieastbsail";
  private static final boolean[] LEET = new boolean[0x80];

  static {
    for (int i = 0; i < LEET_FROM.length(); i++) {
      LEET[LEET_FROM.charAt(i)] = true;
    }
  }

  /** A number with a unit or ordinal suffix, which is not a disguised word. */
  private static final Pattern NUMBER_WORD =
      Pattern.compile("\\p{N}+(?:st|nd|rd|th|s|am|pm|k|m|b|km|kg|gb|mb|px|x|d|h|min|yo)");

  /** Symbols split off a word's start and end again. */
  private static final String LEADING_EDGE = "!*|_";

  private static final String TRAILING_EDGE = "$@!|_";
  private static final String SPACED_SEPARATORS = ".-_";
  private static final int MIN_SPACED_LETTERS = 3;

  private Deobfuscation() {}

  /**
   * Maps look-alike letters to Latin ones and drops accents from Latin letters; the input is
   * already NFKC and lower case.
   */
  static String fold(String normalized) {
    boolean plain = true;
    for (int i = 0; i < normalized.length() && plain; i++) {
      plain = normalized.charAt(i) < 0x80;
    }
    if (plain) {
      return normalized;
    }
    String decomposed = Normalizer.normalize(normalized, Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(decomposed.length());
    char previous = 0;
    for (int i = 0; i < decomposed.length(); i++) {
      char c = decomposed.charAt(i);
      if (Character.getType(c) == Character.NON_SPACING_MARK
          && previous >= 'a'
          && previous <= 'z') {
        continue; // an accent on a Latin letter: u + diaeresis reads as u
      }
      char folded = c < FOLD.length && FOLD[c] != 0 ? FOLD[c] : c;
      out.append(folded);
      if (Character.getType(c) != Character.NON_SPACING_MARK) {
        previous = folded;
      }
    }
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }

  /** Finds the tokens of {@code folded} (scheme 2's grammar) and cleans each word it finds. */
  static List<String> tokenize(String folded, int maxTokens) {
    Spaced spaced = new Spaced(maxTokens);
    TokenScanner scanner = new TokenScanner(folded, 2);
    while (!spaced.full() && scanner.find()) {
      if (scanner.kind() == TokenScanner.WORD) {
        word(scanner.token(), spaced);
      } else {
        spaced.add(scanner.value());
      }
    }
    return spaced.finish();
  }

  private static void word(String raw, Spaced out) {
    int start = 0;
    int end = raw.length();
    while (end > start && TRAILING_EDGE.indexOf(raw.charAt(end - 1)) >= 0) {
      end--;
    }
    while (start < end && LEADING_EDGE.indexOf(raw.charAt(start)) >= 0) {
      start++;
    }
    // A leading '!' is an 'i' when the rest of the word is written in symbols too (!d!07).
    if (start > 0 && raw.charAt(start - 1) == '!' && hasLeet(raw.substring(start, end))) {
      start--;
    }
    for (int i = 0; i < start; i++) {
      out.add(String.valueOf(raw.charAt(i)));
    }
    String core = raw.substring(start, end);
    if (!core.isEmpty()) {
      out.add(clean(core));
    }
    for (int i = end; i < raw.length(); i++) {
      out.add(String.valueOf(raw.charAt(i)));
    }
  }

  private static boolean hasLeet(String core) {
    for (int i = 0; i < core.length(); i++) {
      if (isLeet(core.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLeet(char c) {
    return c < 0x80 && LEET[c];
  }

  private static boolean isLetter(char c) {
    return c < 0x80 ? (c | 0x20) >= 'a' && (c | 0x20) <= 'z' : Character.isLetter(c);
  }

  /** Reads digits and symbols inside a word as letters and collapses letters repeated 3+ times. */
  static String clean(String core) {
    boolean hasLetter = false;
    boolean hasLeet = false;
    boolean tripled = false;
    for (int i = 0; i < core.length(); i++) {
      char c = core.charAt(i);
      boolean letter = isLetter(c);
      hasLetter |= letter;
      hasLeet |= isLeet(c);
      tripled |= letter && i >= 2 && core.charAt(i - 1) == c && core.charAt(i - 2) == c;
    }
    boolean decode = hasLetter && hasLeet && !NUMBER_WORD.matcher(core).matches();
    if (!decode && !tripled) {
      return core; // most words: nothing to read as a letter, no run to collapse
    }
    StringBuilder sb = new StringBuilder(core.length());
    for (int i = 0; i < core.length(); i++) {
      char c = core.charAt(i);
      int leet = decode ? LEET_FROM.indexOf(c) : -1;
      sb.append(leet >= 0 ? LEET_TO.charAt(leet) : c);
    }
    // Collapse runs of three or more of the same letter to one: fuuuuck -> fuck.
    int write = 0;
    for (int read = 0; read < sb.length(); ) {
      char c = sb.charAt(read);
      int run = 1;
      while (read + run < sb.length() && sb.charAt(read + run) == c) {
        run++;
      }
      int keep = run >= 3 && Character.isLetter(c) ? 1 : run;
      for (int k = 0; k < keep; k++) {
        sb.setCharAt(write++, c);
      }
      read += run;
    }
    sb.setLength(write);
    return sb.toString();
  }

  /**
   * Joins runs of single letters ({@code f u c k}, {@code f.u.c.k}) into one word while tokens
   * stream through; stops once {@code maxTokens} tokens are out.
   */
  private static final class Spaced {
    private static final char WHITESPACE = ' ';
    private final int maxTokens;
    private final List<String> out = new ArrayList<>();
    private final StringBuilder run = new StringBuilder();
    private int letters;

    /** 0 while the run has one letter, then {@link #WHITESPACE} or the separator in use. */
    private char mode;

    private boolean pendingSeparator;

    Spaced(int maxTokens) {
      this.maxTokens = maxTokens;
    }

    boolean full() {
      return out.size() >= maxTokens;
    }

    void add(String token) {
      boolean letter =
          token.codePointCount(0, token.length()) == 1 && Character.isLetter(token.codePointAt(0));
      char sep =
          token.length() == 1 && SPACED_SEPARATORS.indexOf(token.charAt(0)) >= 0
              ? token.charAt(0)
              : 0;
      if (letter) {
        if (letters == 0) {
          start(token);
        } else if (pendingSeparator) {
          run.append(token);
          letters++;
          pendingSeparator = false;
        } else if (mode == 0 || mode == WHITESPACE) {
          mode = WHITESPACE;
          run.append(token);
          letters++;
        } else {
          flush();
          start(token);
        }
      } else if (sep != 0
          && letters > 0
          && !pendingSeparator
          && (mode == sep || mode == 0 && letters == 1)) {
        mode = sep;
        pendingSeparator = true;
      } else {
        flush();
        emit(token);
      }
    }

    private void start(String token) {
      run.append(token);
      letters = 1;
    }

    private void flush() {
      if (letters >= MIN_SPACED_LETTERS) {
        emit(clean(run.toString()));
      } else {
        int i = 0;
        while (i < run.length()) {
          int cp = run.codePointAt(i);
          if (i > 0 && mode != WHITESPACE && mode != 0) {
            emit(String.valueOf(mode));
          }
          emit(new String(Character.toChars(cp)));
          i += Character.charCount(cp);
        }
      }
      if (pendingSeparator) {
        emit(String.valueOf(mode));
      }
      run.setLength(0);
      letters = 0;
      mode = 0;
      pendingSeparator = false;
    }

    private void emit(String token) {
      if (out.size() < maxTokens) {
        out.add(token);
      }
    }

    List<String> finish() {
      flush();
      return out;
    }
  }
}

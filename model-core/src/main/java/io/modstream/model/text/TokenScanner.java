package io.modstream.model.text;

/**
 * Finds the tokens of {@link Tokenizer}'s grammar in normalized text, left to right: the spans, and
 * which alternative matched, that {@code java.util.regex} finds for the pattern
 *
 * <pre>
 * (?&lt;url&gt;(?:https?://|www\.)[^\s]{1,2048})
 * |(?&lt;email&gt;[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8})
 * |(?&lt;user&gt;@[\p{L}\p{N}_]{1,64})
 * |(?&lt;word&gt;[\p{N}_$!*|]{0,32}\p{L}[\p{L}\p{M}\p{N}_$@!*|]*(?:['\u2019][\p{L}\p{M}]+)*)
 * |(?&lt;num&gt;\p{N}+(?:[.,:]\p{N}+)*)
 * |(?&lt;other&gt;\S)
 * </pre>
 *
 * <p>with, in scheme 1, words of {@code [\p{N}_]{0,32}\p{L}[\p{L}\p{M}\p{N}_]*} before the
 * apostrophe part (scheme 2's words may hold the symbols that disguise letters). Matched by hand
 * because the regular expression took more than half of tokenizing (JMH, docs/speed.md); {@code
 * TokenScannerTest} holds the pattern and checks that both find the same spans on real comments and
 * on random text made to hit every bound. Each alternative is tried in order at each start, and
 * none can backtrack into a different span: every run in the pattern is of a class that excludes
 * what must follow it, or its end is the end of the match, so the greedy run is the only one that
 * can match. Counts are of code points, as the pattern's are, and {@code \s} is ASCII white space.
 * Not thread-safe; one per text.
 */
final class TokenScanner {

  static final int URL = 0;
  static final int EMAIL = 1;
  static final int USER = 2;
  static final int WORD = 3;
  static final int NUMBER = 4;
  static final int OTHER = 5;

  private static final int MAX_URL_TAIL = 2048;
  private static final int MAX_EMAIL_LOCAL = 64;
  private static final int MAX_DOMAIN_LABEL = 63;
  private static final int MAX_DOMAIN_DOTS = 8;
  private static final int MAX_USER = 64;
  private static final int MAX_WORD_PREFIX = 32;

  // Character classes, as bits.
  private static final int LETTER = 1;
  private static final int DIGIT = 1 << 1; // \p{N}
  private static final int NON_SPACE = 1 << 2; // [^\s]
  private static final int EMAIL_LOCAL = 1 << 3; // [\p{L}\p{N}._%+-]
  private static final int DOMAIN = 1 << 4; // [\p{L}\p{N}-]
  private static final int USER_NAME = 1 << 5; // [\p{L}\p{N}_]
  private static final int PREFIX_1 = 1 << 6; // [\p{N}_]
  private static final int BODY_1 = 1 << 7; // [\p{L}\p{M}\p{N}_]
  private static final int PREFIX_2 = 1 << 8; // [\p{N}_$!*|]
  private static final int BODY_2 = 1 << 9; // [\p{L}\p{M}\p{N}_$@!*|]
  private static final int LETTER_OR_MARK = 1 << 10;
  private static final int SPACE = 1 << 11; // \s: [ \t\n\x0B\f\r]

  private static final int L_TYPES =
      1 << Character.UPPERCASE_LETTER
          | 1 << Character.LOWERCASE_LETTER
          | 1 << Character.TITLECASE_LETTER
          | 1 << Character.MODIFIER_LETTER
          | 1 << Character.OTHER_LETTER;
  private static final int N_TYPES =
      1 << Character.DECIMAL_DIGIT_NUMBER
          | 1 << Character.LETTER_NUMBER
          | 1 << Character.OTHER_NUMBER;
  private static final int M_TYPES =
      1 << Character.NON_SPACING_MARK
          | 1 << Character.ENCLOSING_MARK
          | 1 << Character.COMBINING_SPACING_MARK;

  /** The classes of the code points below 0x100, looked up; above, computed. */
  private static final short[] LATIN1 = new short[0x100];

  static {
    for (int c = 0; c < LATIN1.length; c++) {
      LATIN1[c] = (short) compute(c);
    }
  }

  private final String text;
  private final int length;
  private final int prefix;
  private final int body;
  private final boolean hasAt;
  private int position;
  private int start;
  private int end;
  private int kind;

  /** The code points of the last {@link #run}. */
  private int counted;

  TokenScanner(String text, int scheme) {
    this.text = text;
    this.length = text.length();
    this.prefix = scheme >= 2 ? PREFIX_2 : PREFIX_1;
    this.body = scheme >= 2 ? BODY_2 : BODY_1;
    this.hasAt = text.indexOf('@') >= 0;
  }

  /**
   * Finds the next token.
   *
   * @return false at the end of the text
   */
  boolean find() {
    while (position < length) {
      int cp = text.codePointAt(position);
      if ((classes(cp) & SPACE) != 0) {
        position++;
        continue;
      }
      int at = position;
      int e;
      if ((e = url(at)) >= 0) {
        kind = URL;
      } else if (hasAt && (e = email(at)) >= 0) {
        kind = EMAIL;
      } else if (hasAt && (e = user(at)) >= 0) {
        kind = USER;
      } else if ((e = word(at)) >= 0) {
        kind = WORD;
      } else if ((e = number(at)) >= 0) {
        kind = NUMBER;
      } else {
        e = at + Character.charCount(cp);
        kind = OTHER;
      }
      start = at;
      end = e;
      position = e;
      return true;
    }
    return false;
  }

  /** The alternative the last token matched: {@link #URL} ... {@link #OTHER}. */
  int kind() {
    return kind;
  }

  /** Where the last token starts, as a {@code String} index. */
  int start() {
    return start;
  }

  /** Where the last token ends (exclusive). */
  int end() {
    return end;
  }

  /** The last token's text. */
  String token() {
    return text.substring(start, end);
  }

  /**
   * The last token as the tokenizer emits it: the placeholder of a URL, e-mail address, mention or
   * number, else its text.
   */
  String value() {
    return switch (kind) {
      case URL -> Tokenizer.URL;
      case EMAIL -> Tokenizer.EMAIL;
      case USER -> Tokenizer.USER;
      case NUMBER -> Tokenizer.NUMBER;
      default -> token();
    };
  }

  private int url(int at) {
    int p;
    if (text.startsWith("http://", at)) {
      p = at + 7;
    } else if (text.startsWith("https://", at)) {
      p = at + 8;
    } else if (text.startsWith("www.", at)) {
      p = at + 4;
    } else {
      return -1;
    }
    int e = run(p, NON_SPACE, MAX_URL_TAIL);
    return e > p ? e : -1;
  }

  private int email(int at) {
    int p = run(at, EMAIL_LOCAL, MAX_EMAIL_LOCAL + 1);
    if (p == at || counted > MAX_EMAIL_LOCAL || p >= length || text.charAt(p) != '@') {
      return -1;
    }
    int q = run(p + 1, DOMAIN, MAX_DOMAIN_LABEL + 1);
    if (q == p + 1 || counted > MAX_DOMAIN_LABEL) {
      return -1;
    }
    int dots = 0;
    while (dots < MAX_DOMAIN_DOTS && q < length && text.charAt(q) == '.') {
      int r = run(q + 1, DOMAIN, MAX_DOMAIN_LABEL);
      if (r == q + 1) {
        break;
      }
      q = r;
      dots++;
    }
    return dots > 0 ? q : -1;
  }

  private int user(int at) {
    if (text.charAt(at) != '@') {
      return -1;
    }
    int e = run(at + 1, USER_NAME, MAX_USER);
    return e > at + 1 ? e : -1;
  }

  private int word(int at) {
    int p = run(at, prefix, MAX_WORD_PREFIX + 1);
    if (p >= length || counted > MAX_WORD_PREFIX) {
      return -1;
    }
    int cp = text.codePointAt(p);
    if ((classes(cp) & LETTER) == 0) {
      return -1;
    }
    p = run(p + Character.charCount(cp), body, Integer.MAX_VALUE);
    while (p < length && (text.charAt(p) == '\'' || text.charAt(p) == '\u2019')) {
      int r = run(p + 1, LETTER_OR_MARK, Integer.MAX_VALUE);
      if (r == p + 1) {
        break;
      }
      p = r;
    }
    return p;
  }

  private int number(int at) {
    int p = run(at, DIGIT, Integer.MAX_VALUE);
    if (p == at) {
      return -1;
    }
    while (p < length
        && (text.charAt(p) == '.' || text.charAt(p) == ',' || text.charAt(p) == ':')) {
      int r = run(p + 1, DIGIT, Integer.MAX_VALUE);
      if (r == p + 1) {
        break;
      }
      p = r;
    }
    return p;
  }

  /**
   * The end of the run of at most {@code max} code points from {@code from} with a bit of {@code
   * mask}; sets {@link #counted} to its code points.
   */
  private int run(int from, int mask, int max) {
    int p = from;
    int n = 0;
    for (; n < max && p < length; n++) {
      char c = text.charAt(p);
      if (c < LATIN1.length) {
        if ((LATIN1[c] & mask) == 0) {
          break;
        }
        p++;
      } else {
        int cp = text.codePointAt(p);
        if ((compute(cp) & mask) == 0) {
          break;
        }
        p += Character.charCount(cp);
      }
    }
    counted = n;
    return p;
  }

  /** The class bits of a code point. */
  private static int classes(int cp) {
    return cp < LATIN1.length ? LATIN1[cp] : compute(cp);
  }

  /** The class bits of a code point, from its Unicode category and the grammar's literals. */
  private static int compute(int cp) {
    int type = 1 << Character.getType(cp);
    boolean letter = (type & L_TYPES) != 0;
    boolean digit = (type & N_TYPES) != 0;
    boolean mark = (type & M_TYPES) != 0;
    boolean space = cp == ' ' || cp == '\t' || cp == '\n' || cp == 0x0B || cp == '\f' || cp == '\r';
    boolean underscore = cp == '_';
    boolean disguise = cp == '$' || cp == '!' || cp == '*' || cp == '|';
    int bits = 0;
    bits |= letter ? LETTER | LETTER_OR_MARK : 0;
    bits |= digit ? DIGIT : 0;
    bits |= mark ? LETTER_OR_MARK : 0;
    bits |=
        letter || digit || cp == '.' || cp == '_' || cp == '%' || cp == '+' || cp == '-'
            ? EMAIL_LOCAL
            : 0;
    bits |= letter || digit || cp == '-' ? DOMAIN : 0;
    bits |= letter || digit || underscore ? USER_NAME : 0;
    bits |= digit || underscore ? PREFIX_1 : 0;
    bits |= letter || mark || digit || underscore ? BODY_1 : 0;
    bits |= digit || underscore || disguise ? PREFIX_2 : 0;
    bits |= letter || mark || digit || underscore || disguise || cp == '@' ? BODY_2 : 0;
    bits |= space ? SPACE : NON_SPACE;
    return bits;
  }
}

package io.modstream.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.testing.TestData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scanner finds what the tokenizer's regular expression (below, as it was matched
 * before the scanner replaced it) finds: the same spans, by the same alternative.
 */
class TokenScannerTest {

  private static final String URL = "(?<url>(?:https?://|www\\.)[^\\s]{1,2048})";
  private static final String EMAIL =
      "|(?<email>[\\p{L}\\p{N}._%+-]{1,64}@[\\p{L}\\p{N}-]{1,63}(?:\\.[\\p{L}\\p{N}-]{1,63}){1,8})";
  private static final String USER = "|(?<user>@[\\p{L}\\p{N}_]{1,64})";
  private static final String WORD_V1 =
      "|(?<word>[\\p{N}_]{0,32}\\p{L}[\\p{L}\\p{M}\\p{N}_]*(?:['\u2019][\\p{L}\\p{M}]+)*)";
  private static final String WORD_V2 =
      "|(?<word>[\\p{N}_$!*|]{0,32}\\p{L}[\\p{L}\\p{M}\\p{N}_$@!*|]*(?:['\u2019][\\p{L}\\p{M}]+)*)";
  private static final String REST = "|(?<num>\\p{N}+(?:[.,:]\\p{N}+)*)|(?<other>\\S)";
  private static final Pattern V1 = Pattern.compile(URL + EMAIL + USER + WORD_V1 + REST);
  private static final Pattern V2 = Pattern.compile(URL + EMAIL + USER + WORD_V2 + REST);
  private static final String[] GROUPS = {"url", "email", "user", "word", "num", "other"};

  /** Pieces of random text: every class the grammar tells apart, and its literals. */
  private static final String[] PIECES = {
    "a",
    "b",
    "z",
    "x",
    "\u00e9",
    "e\u0301",
    "\u0430",
    "\u4e2d",
    "\ud835\udc9c",
    "\u02b0",
    "1",
    "0",
    "\u0663",
    "\u00bd",
    "\u216b",
    "\ud835\udfd9",
    "_",
    "$",
    "!",
    "*",
    "|",
    "@",
    "@",
    ".",
    ".",
    "-",
    "+",
    "%",
    "'",
    "\u2019",
    ",",
    ":",
    "#",
    "/",
    "?",
    " ",
    " ",
    " ",
    "\t",
    "\n",
    "\u000b",
    "\u00a0",
    "\u2028",
    "http://",
    "https://",
    "www.",
    "http:/",
    "www",
    "\u0300",
    "\u20dd",
    "\u093e",
    "\ud83d\ude00",
    "\ud83d",
    "\ude00",
    "\uffff",
    "a@b.c",
    "x.y@",
    "@z",
    ".org",
    "-1.d",
  };

  /** Run lengths either side of the grammar's bounds. */
  private static final int[] RUNS = {2, 8, 9, 31, 32, 33, 62, 63, 64, 65, 2047, 2048, 2049};

  @Test
  void findsWhatTheRegularExpressionFindsInRealComments() {
    List<String> texts = new ArrayList<>(TestData.sample(2000).texts());
    texts.add(
        "see www.example.com or mail a.b@example.org, ask @mod_1 about $h!t 12,5 and ? it\u2019s"
            + " 1d10t f*ck");
    int tokens = 0;
    for (String raw : texts) {
      String normalized = Tokenizer.normalize(raw);
      tokens += assertSameTokens(normalized, 1);
      tokens += assertSameTokens(Deobfuscation.fold(normalized), 2);
      tokens += assertSameTokens(raw, 2);
    }
    assertThat(tokens).isGreaterThan(200_000);
  }

  @Test
  void findsWhatTheRegularExpressionFindsInTextMadeToHitEveryBound() {
    Random random = new Random(20261124);
    int[] kinds = new int[GROUPS.length];
    for (int i = 0; i < 2_500; i++) {
      String text = randomText(random);
      for (int scheme = 1; scheme <= 2; scheme++) {
        TokenScanner scanner = new TokenScanner(text, scheme);
        assertSameTokens(text, scheme);
        while (scanner.find()) {
          kinds[scanner.kind()]++;
        }
      }
    }
    // Every alternative was found, so each was compared.
    assertThat(Arrays.stream(kinds).min().orElseThrow())
        .as("fewest of one kind")
        .isGreaterThan(500);
  }

  @Test
  void boundsAreCountedInCodePoints() {
    String wideLetter = "\ud835\udc9c"; // one code point, two chars
    String local =
        wideLetter.repeat(40); // 80 chars, 40 code points: under the 64 of the local part
    assertThat(kinds(local + "@x.org", 2)).containsExactly(TokenScanner.EMAIL);
    assertThat(kinds("1".repeat(32) + "a", 2)).containsExactly(TokenScanner.WORD);
    assertThat(kinds("1".repeat(33) + "a", 2))
        .containsExactly(TokenScanner.NUMBER, TokenScanner.WORD);
    assertThat(kinds("$".repeat(33) + "a", 2))
        .containsExactly(TokenScanner.OTHER, TokenScanner.WORD);
    // an address takes at most eight dotted labels after the first; the rest is text
    assertThat(kinds("a@b" + ".c".repeat(8), 2)).containsExactly(TokenScanner.EMAIL);
    assertThat(kinds("a@b" + ".c".repeat(9), 2))
        .containsExactly(TokenScanner.EMAIL, TokenScanner.OTHER, TokenScanner.WORD);
    // a local part of 65 is no address (scheme 2 reads it as one word: '@' may disguise a letter)
    assertThat(kinds("a".repeat(64) + "@x.org", 1)).containsExactly(TokenScanner.EMAIL);
    assertThat(kinds("a".repeat(65) + "@x.org", 1))
        .containsExactly(
            TokenScanner.WORD, TokenScanner.USER, TokenScanner.OTHER, TokenScanner.WORD);
  }

  private static List<Integer> kinds(String text, int scheme) {
    assertSameTokens(text, scheme);
    List<Integer> kinds = new ArrayList<>();
    TokenScanner scanner = new TokenScanner(text, scheme);
    while (scanner.find()) {
      kinds.add(scanner.kind());
    }
    return kinds;
  }

  private static String randomText(Random random) {
    StringBuilder sb = new StringBuilder();
    int pieces = 1 + random.nextInt(40);
    for (int p = 0; p < pieces; p++) {
      String piece = PIECES[random.nextInt(PIECES.length)];
      int repeat = random.nextInt(12) == 0 ? RUNS[random.nextInt(RUNS.length)] : 1;
      sb.append(piece.repeat(repeat));
    }
    return sb.toString();
  }

  /** Asserts the scanner and the pattern find the same tokens; returns how many. */
  private static int assertSameTokens(String text, int scheme) {
    Matcher m = (scheme == 1 ? V1 : V2).matcher(text);
    TokenScanner scanner = new TokenScanner(text, scheme);
    int n = 0;
    while (m.find()) {
      assertThat(scanner.find()).as("token %d of %s", n, text).isTrue();
      assertThat(new int[] {scanner.start(), scanner.end()})
          .as("span of token %d of %s", n, text)
          .containsExactly(m.start(), m.end());
      assertThat(GROUPS[scanner.kind()]).as("kind of token %d of %s", n, text).isEqualTo(group(m));
      n++;
    }
    assertThat(scanner.find()).as("a token after the last in %s", text).isFalse();
    return n;
  }

  private static String group(Matcher m) {
    for (String g : GROUPS) {
      if (m.start(g) >= 0) {
        return g;
      }
    }
    throw new AssertionError("no group matched");
  }
}

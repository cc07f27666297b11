package io.modstream.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.modstream.model.testing.TestData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  private final Tokenizer tokenizer = Tokenizer.standard();

  @Test
  void wordsPunctuationAndEmojiBecomeTokens() {
    assertThat(tokenizer.tokenize("Hello, World!! \ud83d\ude21 don't"))
        .containsExactly("hello", ",", "world", "!", "!", "\ud83d\ude21", "don't");
  }

  @Test
  void placeholdersReplaceUrlsEmailsMentionsAndNumbers() {
    assertThat(
            tokenizer.tokenize(
                "see https://example.com/a?b=1 or www.x.org, mail bob.s@mail.example.co.uk"
                    + " @Jimbo_Wales 21:51, 2,016 times"))
        .containsExactly(
            "see",
            Tokenizer.URL,
            "or",
            Tokenizer.URL,
            "mail",
            Tokenizer.EMAIL,
            Tokenizer.USER,
            Tokenizer.NUMBER,
            ",",
            Tokenizer.NUMBER,
            "times");
  }

  @Test
  void schemeOneKeepsLettersMixedWithDigitsAsTheyAre() {
    assertThat(Tokenizer.forScheme(1).tokenize("you 1d10t, $h1t"))
        .containsExactly("you", "1d10t", ",", "$", "h1t");
    assertThat(Tokenizer.forScheme(1).tokenize("f u c k")).containsExactly("f", "u", "c", "k");
  }

  @Test
  void disguisedWordsReadAsTheWordTheyHide() {
    assertThat(tokenizer.tokenize("you 1d10t, $h1t, sh!t"))
        .containsExactly("you", "idiot", ",", "shit", ",", "shit");
    assertThat(tokenizer.tokenize("f u c k off, f.u.c.k, b-i-t-c-h"))
        .containsExactly("fuck", "off", ",", "fuck", ",", "bitch");
    assertThat(tokenizer.tokenize("fuuuuuck stuuupid")).containsExactly("fuck", "stupid");
    // Cyrillic a, e, o, c and a German u-umlaut
    assertThat(tokenizer.tokenize("аss hеll mоrоn fuсk fück"))
        .containsExactly("ass", "hell", "moron", "fuck", "fuck");
    assertThat(tokenizer.tokenize("f​u‍ck")).containsExactly("fuck");
  }

  @Test
  void maskedLettersStayInTheWordAndEdgesSplitOff() {
    assertThat(tokenizer.tokenize("f*ck sh** idiot!!! !wow"))
        .containsExactly("f*ck", "sh**", "idiot", "!", "!", "!", "!", "wow");
  }

  @Test
  void numbersWithUnitsAndShortLetterRunsAreNotRewritten() {
    assertThat(tokenizer.tokenize("the 10th time in the 1990s, 5pm"))
        .containsExactly("the", "10th", "time", "in", "the", "1990s", ",", "5pm");
    assertThat(tokenizer.tokenize("plan a b then")).containsExactly("plan", "a", "b", "then");
    assertThat(tokenizer.tokenize("e.g. this")).containsExactly("e", ".", "g", ".", "this");
    assertThat(tokenizer.tokenize("good cool www.good.com"))
        .containsExactly("good", "cool", Tokenizer.URL);
  }

  @Test
  void schemeOneAndTwoAgreeOnPlainText() {
    String plain = "Thanks for the edit, I will check the sources tomorrow.";
    assertThat(tokenizer.tokenize(plain)).isEqualTo(Tokenizer.forScheme(1).tokenize(plain));
  }

  @Test
  void nfkcFoldsCompatibilityFormsAndCaseIsLocaleIndependent() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      // Full-width letters fold to ASCII; "I" must not become the dotless Turkish i.
      assertThat(tokenizer.tokenize("\uff29DIOT \ufb01ne")).containsExactly("idiot", "fine");
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void invisibleFormatCharactersAreRemovedAndControlsSplit() {
    assertThat(tokenizer.tokenize("f\u200Bu\u200Dck\uFEFF you\u0000there\u0007now"))
        .containsExactly("fuck", "you", "there", "now");
  }

  @Test
  void loneSurrogatesBecomeReplacementCharacters() {
    assertThat(tokenizer.tokenize("bad \ud800 pair \udc00x"))
        .containsExactly("bad", "\ufffd", "pair", "\ufffd", "x");
  }

  @Test
  void emptyBlankAndNullGiveNoTokens() {
    assertThat(tokenizer.tokenize("")).isEmpty();
    assertThat(tokenizer.tokenize(" \n\t\r ")).isEmpty();
    assertThat(tokenizer.tokenize(null)).isEmpty();
  }

  @Test
  void maxTokensStopsEarly() {
    assertThat(tokenizer.tokenize("one two three four five", 3))
        .containsExactly("one", "two", "three");
    assertThatThrownBy(() -> tokenizer.tokenize("a", 0)).hasMessageContaining("maxTokens");
  }

  @Test
  void aMegabyteOfHostileTextTokenizesInLinearTime() {
    String noSpaces = "a".repeat(1 << 20);
    String digits = "7".repeat(1 << 20);
    String almostEmails = "x.".repeat(1 << 19);
    StringBuilder mixed = new StringBuilder();
    while (mixed.length() < (1 << 20)) {
      mixed.append("w\u00f6rd \ud83d\ude00! 123 @u http://x.y ");
    }
    // Generous bound: catastrophic regex backtracking would take hours, linear takes well under a
    // second; this is a robustness check, not a speed benchmark.
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          assertThat(Tokenizer.forScheme(1).tokenize(noSpaces)).hasSize(1);
          assertThat(tokenizer.tokenize(noSpaces))
              .containsExactly("a"); // a run of 3+ letters collapses
          assertThat(tokenizer.tokenize(digits)).containsExactly(Tokenizer.NUMBER);
          assertThat(tokenizer.tokenize(almostEmails)).isNotEmpty();
          List<String> tokens = tokenizer.tokenize(mixed.toString());
          assertThat(tokens)
              .startsWith(
                  "word", "\ud83d\ude00", "!", Tokenizer.NUMBER, Tokenizer.USER, Tokenizer.URL);
        });
  }

  @Test
  void unknownSchemeIsRefusedWithTheFix() {
    assertThat(Tokenizer.forScheme(Tokenizer.SCHEME_VERSION)).isSameAs(tokenizer);
    assertThat(Tokenizer.forScheme(1).scheme()).isEqualTo(1);
    assertThatThrownBy(() -> Tokenizer.forScheme(99)).hasMessageContaining("retrain");
  }

  @Test
  void everyKindOfTokenInOneText() {
    String text = "see www.example.com or mail a.b@example.org, ask @mod_1 about $h!t 12,5 and ?";
    assertThat(Tokenizer.standard().tokenize(text))
        .containsExactly(
            "see",
            Tokenizer.URL,
            "or",
            "mail",
            Tokenizer.EMAIL,
            ",",
            "ask",
            Tokenizer.USER,
            "about",
            "shit",
            Tokenizer.NUMBER,
            "and",
            "?");
    assertThat(Tokenizer.forScheme(1).tokenize(text))
        .containsExactly(
            "see",
            Tokenizer.URL,
            "or",
            "mail",
            Tokenizer.EMAIL,
            ",",
            "ask",
            Tokenizer.USER,
            "about",
            "$",
            "h",
            "!",
            "t",
            Tokenizer.NUMBER,
            "and",
            "?");
  }

  @Test
  void asciiIsNormalizedAsAnyTextIs() {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      every.append(c);
    }
    List<String> texts = new ArrayList<>(TestData.sample(500).texts());
    texts.add(every.toString());
    int ascii = 0;
    for (String text : texts) {
      assertThat(Tokenizer.normalize(text)).isEqualTo(Tokenizer.normalizeUnicode(text));
      ascii += text.chars().allMatch(c -> c < 0x80) ? 1 : 0;
    }
    assertThat(ascii).isGreaterThan(100);
  }
}

package io.modstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
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
    assertThat(tokenizer.tokenize("see https://example.com/a?b=1 or www.x.org, mail bob.s@mail.example.co.uk @Jimbo_Wales 21:51, 2,016 times"))
        .containsExactly(
            "see", Tokenizer.URL, "or", Tokenizer.URL, "mail", Tokenizer.EMAIL, Tokenizer.USER,
            Tokenizer.NUMBER, ",", Tokenizer.NUMBER, "times");
  }

  @Test
  void lettersMixedWithDigitsStayOneWord() {
    assertThat(tokenizer.tokenize("you 1d10t, $h1t")).containsExactly("you", "1d10t", ",", "$", "h1t");
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
    assertThat(tokenizer.tokenize("a b c d e", 3)).containsExactly("a", "b", "c");
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
          assertThat(tokenizer.tokenize(noSpaces)).containsExactly(noSpaces);
          assertThat(tokenizer.tokenize(digits)).containsExactly(Tokenizer.NUMBER);
          assertThat(tokenizer.tokenize(almostEmails)).isNotEmpty();
          List<String> tokens = tokenizer.tokenize(mixed.toString());
          assertThat(tokens).startsWith("w\u00f6rd", "\ud83d\ude00", "!", Tokenizer.NUMBER, Tokenizer.USER, Tokenizer.URL);
        });
  }

  @Test
  void unknownSchemeIsRefusedWithTheFix() {
    assertThat(Tokenizer.forScheme(Tokenizer.SCHEME_VERSION)).isSameAs(tokenizer);
    assertThatThrownBy(() -> Tokenizer.forScheme(99)).hasMessageContaining("retrain");
  }
}

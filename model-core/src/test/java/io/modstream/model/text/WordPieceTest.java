package io.modstream.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordPieceTest {

  // Outputs checked against Hugging Face tokenizers on all-MiniLM-L6-v2's tokenizer.json (3,000
  // Jigsaw comments split identically; docs/lab/2026-12-04-minilm-embeddings.md).
  private static final List<String> PIECES =
      List.of(
          "<pad>", "<unk>", "you", "f", "*", "ck", "##ing", "1", "##d", "##10", "##t", "!", "hello",
          ",", "naive", "cafe", "stupid", "##dd", "fuck", "中", "una", "##ffa", "##ble", "un");

  private final Tokenizer tokenizer = Tokenizer.wordPiece(PIECES);

  @Test
  void splitsLikeBertUncased() {
    assertThat(tokenizer.tokenize("You f*cking 1d10t!!!"))
        .containsExactly("you", "f", "*", "ck", "##ing", "1", "##d", "##10", "##t", "!", "!", "!");
    assertThat(tokenizer.tokenize("Hello,NAÏVE Café"))
        .containsExactly("hello", ",", "naive", "cafe");
    assertThat(tokenizer.tokenize("unaffable stupidddd"))
        .containsExactly("una", "##ffa", "##ble", "stupid", "##dd", "##d");
  }

  @Test
  void removesInvisibleCharactersAndSplitsIdeographs() {
    assertThat(tokenizer.tokenize("f\u200Buck\u0000 中中")).containsExactly("fuck", "中", "中");
  }

  @Test
  void uncoverableAndOverlongWordsAreUnknown() {
    assertThat(tokenizer.tokenize("you zzz \ud83d\ude00 " + "you".repeat(34)))
        .containsExactly("you", Vocabulary.UNKNOWN, Vocabulary.UNKNOWN, Vocabulary.UNKNOWN);
  }

  @Test
  void stopsAtMaxTokens() {
    assertThat(tokenizer.tokenize("unaffable you you", 2)).containsExactly("una", "##ffa");
  }

  @Test
  void aBundleTokenizesWithItsOwnVocabulary() {
    VocabularyBuilder builder = new VocabularyBuilder(1, 100);
    builder.add(PIECES);
    Tokenizer fromBundle = Tokenizer.forScheme(Tokenizer.WORDPIECE_SCHEME, builder.build());
    assertThat(fromBundle.scheme()).isEqualTo(Tokenizer.WORDPIECE_SCHEME);
    assertThat(fromBundle.tokenize("unaffable stupidddd"))
        .isEqualTo(tokenizer.tokenize("unaffable stupidddd"));
    assertThatThrownBy(() -> Tokenizer.forScheme(Tokenizer.WORDPIECE_SCHEME))
        .hasMessageContaining("vocabulary");
  }
}

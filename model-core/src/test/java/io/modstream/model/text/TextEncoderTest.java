package io.modstream.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextEncoderTest {

  private final Vocabulary vocabulary =
      new VocabularyBuilder(1, 100).add(List.of("you", "are", "nice", "not", "!")).build();
  private final TextEncoder encoder = new TextEncoder(Tokenizer.standard(), vocabulary, 4);

  @Test
  void padsToTheLongestRowAndMasksThePadding() {
    EncodedBatch batch = encoder.encode(List.of("you are nice", "nice", "you are not nice !"));
    assertThat(batch.size()).isEqualTo(3);
    assertThat(batch.width()).as("longest row, cut at maxLength 4").isEqualTo(4);
    assertThat(batch.length(0)).isEqualTo(3);
    assertThat(batch.ids(0))
        .containsExactly(
            vocabulary.id("you"), vocabulary.id("are"), vocabulary.id("nice"), Vocabulary.PAD_ID);
    assertThat(batch.mask(0)).containsExactly(1f, 1f, 1f, 0f);
    assertThat(batch.mask(1)).containsExactly(1f, 0f, 0f, 0f);
    assertThat(batch.ids(2))
        .containsExactly(
            vocabulary.id("you"),
            vocabulary.id("are"),
            vocabulary.id("not"),
            vocabulary.id("nice"));
    assertThat(batch.mask(2)).containsExactly(1f, 1f, 1f, 1f);
  }

  @Test
  void aBatchOfShortTextsIsOnlyAsWideAsItsLongest() {
    EncodedBatch batch = encoder.encode(List.of("nice", "you !"));
    assertThat(batch.width()).isEqualTo(2);
  }

  @Test
  void unknownWordsMapToUnknownAndEmptyTextToOneUnknownStep() {
    EncodedBatch batch = encoder.encode(List.of("zebra nice", "", "   "));
    assertThat(batch.ids(0)).containsExactly(Vocabulary.UNKNOWN_ID, vocabulary.id("nice"));
    assertThat(batch.length(1)).isEqualTo(1);
    assertThat(batch.id(1, 0)).isEqualTo(Vocabulary.UNKNOWN_ID);
    assertThat(batch.mask(2)).containsExactly(1f, 0f);
  }
}

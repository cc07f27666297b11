package io.modstream.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

  private static Vocabulary build(int minFrequency, int maxSize) {
    return new VocabularyBuilder(minFrequency, maxSize)
        .add(List.of("b", "a", "c", "a", "b", "a", "d"))
        .add(List.of("c", "e", "e"))
        .build();
  }

  @Test
  void ordersByCountThenTokenAfterPaddingAndUnknown() {
    Vocabulary v = build(1, 100);
    assertThat(v.size()).isEqualTo(7);
    assertThat(v.token(Vocabulary.PAD_ID)).isEqualTo(Vocabulary.PAD);
    assertThat(v.token(Vocabulary.UNKNOWN_ID)).isEqualTo(Vocabulary.UNKNOWN);
    // a:3, then b, c, e with 2 each (alphabetical), then d:1
    assertThat(List.of(v.token(2), v.token(3), v.token(4), v.token(5), v.token(6)))
        .containsExactly("a", "b", "c", "e", "d");
  }

  @Test
  void minFrequencyAndMaxSizeCut() {
    Vocabulary frequent = build(2, 100);
    assertThat(frequent.contains("d")).isFalse();
    assertThat(frequent.id("d")).isEqualTo(Vocabulary.UNKNOWN_ID);
    Vocabulary small = build(1, 4);
    assertThat(small.size()).isEqualTo(4);
    assertThat(small.contains("a")).isTrue();
    assertThat(small.contains("b")).isTrue();
    assertThat(small.contains("c")).isFalse();
  }

  @Test
  void unseenTokensMapToUnknown() {
    assertThat(build(1, 100).id("never-seen")).isEqualTo(Vocabulary.UNKNOWN_ID);
  }

  @Test
  void writesAndReadsBack() throws IOException {
    Vocabulary v = build(1, 100);
    StringWriter out = new StringWriter();
    v.write(out);
    Vocabulary read = Vocabulary.read(new StringReader(out.toString()));
    assertThat(read).isEqualTo(v);
    assertThat(read.id("e")).isEqualTo(v.id("e"));
  }

  @Test
  void refusesContentThatIsNotAVocabulary() {
    assertThatThrownBy(() -> Vocabulary.read(new StringReader("hello\nworld\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("<pad>");
    assertThatThrownBy(() -> Vocabulary.read(new StringReader("<pad>\n<unk>\nx\nx\n")))
        .hasMessageContaining("duplicate");
  }

  @Test
  void builderValidatesItsSettings() {
    assertThatThrownBy(() -> new VocabularyBuilder(0, 10)).hasMessageContaining("minFrequency");
    assertThatThrownBy(() -> new VocabularyBuilder(1, 1)).hasMessageContaining("maxSize");
  }

  @Test
  void maskedLettersAreFilledWithTheMostFrequentMatchingWord() {
    VocabularyBuilder b = new VocabularyBuilder(1, 100);
    b.add(List.of("fuck", "fuck", "fuck", "fork", "fork", "shit", "shot", "shit"));
    Vocabulary v = b.build();
    assertThat(v.resolve("f*ck")).isEqualTo("fuck");
    assertThat(v.resolve("f**k")).isEqualTo("fuck");
    assertThat(v.resolve("sh*t")).isEqualTo("shit");
    assertThat(v.resolve("****")).isEqualTo("****");
    assertThat(v.resolve("z*z")).isEqualTo("z*z");
    assertThat(v.resolve("fork")).isEqualTo("fork");
  }
}

package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected values are what scikit-learn 1.2.1's {@code TfidfVectorizer} gives for the same input.
 */
class TfidfVectorizerTest {

  @Test
  void charWbPadsEachWordAndCountsAShortWordOnce() {
    assertThat(TfidfVectorizer.ngrams("Ab", TfidfVectorizer.Analyzer.CHAR_WB, 2, 5))
        .containsExactly(" a", "ab", "b ", " ab", "ab ", " ab ");
  }

  @Test
  void wordsAreTwoOrMoreWordCharactersLowerCasedWithoutAccents() {
    assertThat(TfidfVectorizer.ngrams("Héllo, wörld a x yz", TfidfVectorizer.Analyzer.WORD, 1, 2))
        .containsExactly("hello", "world", "yz", "hello world", "world yz");
  }

  @Test
  void featuresAreTheMostFrequentNgramsWeightedBySublinearTfAndSmoothedIdf() {
    TfidfVectorizer v =
        TfidfVectorizer.fit(
            List.of("the cat sat", "the the cat", "dog"), TfidfVectorizer.Analyzer.WORD, 1, 2, 3);
    assertThat(v.features()).isEqualTo(3);
    // Columns are alphabetical: cat, the, "the cat"; "sat" and "dog" did not make the cut.
    TfidfVectorizer.Vector second = v.transform("the the cat", 10);
    assertThat(second.index()).containsExactly(10, 11, 12);
    assertThat(second.value()[0]).isCloseTo(0.4532946552278861f, within(1e-6f));
    assertThat(second.value()[1]).isCloseTo(0.7674945674619879f, within(1e-6f));
    assertThat(second.value()[2]).isCloseTo(0.4532946552278861f, within(1e-6f));
    assertThat(v.transform("dog", 0).index()).isEmpty();
  }

  @Test
  void tiesAtTheCutAreBrokenAlphabetically() {
    TfidfVectorizer v =
        TfidfVectorizer.fit(
            List.of("the cat sat", "the cat the cat", "a dog sat", "Café café"),
            TfidfVectorizer.Analyzer.WORD,
            1,
            2,
            4);
    // the, cat and "the cat" occur three times; cafe and sat twice: cafe wins the tie.
    assertThat(v.transform("cafe", 0).index()).containsExactly(0);
    assertThat(v.transform("sat", 0).index()).isEmpty();
  }
}

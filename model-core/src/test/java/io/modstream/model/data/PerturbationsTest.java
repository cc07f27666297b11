package io.modstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.text.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PerturbationsTest {

  private static final String TOXIC = "You are a stupid idiot and a fucking moron, shit!";

  @Test
  void theSameSeedAndTextGiveTheSameDisguiseInAnyOrder() {
    Perturbations p = new Perturbations(7);
    String first = p.perturb(TOXIC);
    p.perturb("something else entirely");
    assertThat(new Perturbations(7).perturb(TOXIC)).isEqualTo(first);
    assertThat(first).isNotEqualTo(TOXIC);
    assertThat(new Perturbations(8).perturb(TOXIC)).isNotEqualTo(first);
  }

  @Test
  void offensiveWordsAreDisguisedAndOthersKept() {
    String out = new Perturbations(1).perturb(TOXIC);
    assertThat(out).startsWith("You are a ").contains(" and a ");
    for (String word : List.of("stupid", "idiot", "fucking", "moron", "shit")) {
      assertThat(out).doesNotContain(word);
    }
  }

  @Test
  void aCommentWithoutListedWordsGetsTwoLongerWordsDisguised() {
    String text = "Please stop editing this article without sources";
    String out = new Perturbations(3).perturb(text);
    long changed = Arrays.stream(text.split(" ")).filter(w -> !out.contains(w)).count();
    assertThat(changed).isEqualTo(2);
  }

  @Test
  void eachKindProducesItsDisguise() {
    Random r = new Random(5);
    assertThat(Perturbations.apply(Perturbations.Kind.MASK, "idiot", r))
        .matches("i[a-z]*\\*[a-z]*")
        .hasSize(5);
    assertThat(Perturbations.apply(Perturbations.Kind.SPACED, "idiot", r))
        .matches("i[ .-]d[ .-]i[ .-]o[ .-]t");
    assertThat(Perturbations.apply(Perturbations.Kind.REPEAT, "idiot", r))
        .matches("i*d*i*o*t*")
        .hasSizeBetween(7, 10);
    assertThat(Perturbations.apply(Perturbations.Kind.LEET, "idiot", r))
        .hasSize(5)
        .isNotEqualTo("idiot")
        .matches("[a-z0-9!@$]+");
    assertThat(Perturbations.apply(Perturbations.Kind.HOMOGLYPH, "idiot", r))
        .hasSize(5)
        .isNotEqualTo("idiot")
        .matches(".*[\\u0400-\\u04FF].*");
    assertThat(
            Perturbations.apply(Perturbations.Kind.ZERO_WIDTH, "idiot", r)
                .replaceAll("[\\u200B\\u200C\\u200D\\uFEFF]", ""))
        .isEqualTo("idiot");
  }

  @Test
  void theTokenizerSeesThroughEveryKindButMasking() {
    Tokenizer t = Tokenizer.standard();
    for (Perturbations.Kind kind : Perturbations.Kind.values()) {
      if (kind == Perturbations.Kind.MASK) {
        continue; // masked letters are filled from the vocabulary, see VocabularyTest
      }
      for (int seed = 0; seed < 20; seed++) {
        String disguised = Perturbations.apply(kind, "idiot", new Random(seed));
        assertThat(t.tokenize("you " + disguised + " there"))
            .as("%s: %s", kind, disguised)
            .containsExactly("you", "idiot", "there");
      }
    }
  }
}

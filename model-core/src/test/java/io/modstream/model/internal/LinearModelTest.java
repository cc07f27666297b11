package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modstream.model.training.LinearConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearModelTest {

  private static final LinearConfig CONFIG = new LinearConfig(4, 1000, 2000, 1, 3000);

  /** Toxic rows say "idiot" or "stupid"; the model must learn those words and char n-grams. */
  private static LinearModel trained() {
    List<List<String>> docs = new ArrayList<>();
    List<boolean[]> truth = new ArrayList<>();
    String[] neutral = {
      "thanks", "for", "the", "edit", "article", "source", "page", "talk", "please", "review"
    };
    for (int i = 0; i < 200; i++) {
      boolean toxic = i % 4 == 0;
      List<String> doc =
          new ArrayList<>(List.of(neutral[i % 10], neutral[(i * 3) % 10], neutral[(i * 7) % 10]));
      if (toxic) {
        doc.add(i % 8 == 0 ? "idiot" : "stupid");
      }
      docs.add(doc);
      truth.add(new boolean[] {toxic, false});
    }
    return LinearTrainer.train(docs, truth.toArray(boolean[][]::new), CONFIG);
  }

  @Test
  void learnsWhichWordsMarkALabelAndGivesAConstantForAnAbsentOne() {
    LinearModel model = trained();
    double toxic = model.logits(List.of("you", "idiot"))[0];
    double clean = model.logits(List.of("thanks", "for", "the", "review"))[0];
    assertThat(toxic).isGreaterThan(0).isGreaterThan(clean + 2);
    assertThat(model.logits(List.of("idiots"))[0])
        .as("shared character n-grams carry the signal")
        .isGreaterThan(clean);
    assertThat(model.logits(List.of("idiot"))[1])
        .isEqualTo(model.logits(List.of("thanks"))[1])
        .isNegative();
  }

  @Test
  void tokenContributionsAddUpToTheLogitAndNameTheToxicWord() {
    LinearModel model = trained();
    List<String> doc = List.of("thanks", "you", "stupid", "idiot", "editor");
    double[][] c = model.tokenContributions(doc, new int[] {0, 1});
    for (int label = 0; label < 2; label++) {
      double sum = 0;
      for (double v : c[label]) {
        sum += v;
      }
      assertThat(sum)
          .as("label %d: the contributions are the log-odds less the bias", label)
          .isCloseTo(model.logits(doc)[label] - model.bias(label), within(1e-4));
    }
    int top = 0;
    for (int t = 1; t < doc.size(); t++) {
      top = c[0][t] > c[0][top] ? t : top;
    }
    assertThat(doc.get(top)).isIn("stupid", "idiot");
    assertThat(c[0][0]).as("a neutral word").isLessThan(c[0][top] / 4);
  }

  @Test
  void writeAndReadGiveTheSameScores() throws IOException {
    LinearModel model = trained();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LinearModelFormat.write(model, out);
    LinearModel read = LinearModelFormat.read(new ByteArrayInputStream(out.toByteArray()));
    List<String> doc = List.of("please", "stupid", "edit");
    assertThat(read.logits(doc)).containsExactly(model.logits(doc));
    assertThat(read.features()).isEqualTo(model.features());
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    LinearModelFormat.write(read, again);
    assertThat(again.toByteArray())
        .as("IDF and weights come back out of the packed rows unchanged")
        .isEqualTo(out.toByteArray());
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(
            () ->
                LinearModelFormat.read(
                    new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a modstream linear model");
  }
}

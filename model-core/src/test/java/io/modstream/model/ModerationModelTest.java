package io.modstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.internal.Scoring;
import io.modstream.model.testing.TestData;
import io.modstream.model.text.TextEncoder;
import io.modstream.model.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ModerationModelTest {

  private final ModelBundle bundle = TestData.tinyModel().bundle();

  @Test
  void scoresAreTheCalibratedBlendOfTheNetworkAndTheLinearModel() throws Exception {
    ScoreCalibration calibration = bundle.info().calibration();
    assertThat(calibration).isNotNull();
    Tokenizer tokenizer = Tokenizer.forScheme(bundle.info().tokenizerScheme());
    TextEncoder encoder =
        new TextEncoder(tokenizer, bundle.vocabulary(), bundle.info().maxLength());
    ModerationModel model = ModerationModel.of(bundle);
    for (String text : List.of("you are a stupid 1d10t", "Thanks for fixing the citation.")) {
      List<String> tokens =
          tokenizer.tokenize(text, ModerationModel.LINEAR_MAX_TOKENS).stream()
              .map(bundle.vocabulary()::resolve)
              .toList();
      double[] linear = bundle.linear().logits(tokens);
      float[] network =
          Scoring.score(
              bundle.newNetwork(),
              new int[][] {encoder.encodeTokens(tokens)},
              1,
              bundle.info().labels().size())[0];
      float[] served = model.score(List.of(text))[0];
      for (int j = 0; j < served.length; j++) {
        assertThat(served[j])
            .as("%s, label %d", text, j)
            .isCloseTo(calibration.apply(j, network[j], linear[j]), within(1e-6f));
        assertThat(served[j]).isNotEqualTo(network[j]);
      }
    }
  }

  @Test
  void flaggedVerdictsNameTheWordsBehindEachFlaggedLabel() throws Exception {
    List<String> texts = TestData.sample(300).texts();
    ModerationModel model = ModerationModel.of(bundle);
    List<Verdict> explained = model.decide(texts);
    List<Verdict> plain = model.decide(texts, 0);
    Tokenizer tokenizer = Tokenizer.forScheme(bundle.info().tokenizerScheme());
    int flagged = 0;
    for (int i = 0; i < texts.size(); i++) {
      Verdict v = explained.get(i);
      assertThat(v.scoresByLabel()).isEqualTo(plain.get(i).scoresByLabel());
      assertThat(plain.get(i).explanations()).isEmpty();
      assertThat(v.explanations().keySet()).containsExactlyElementsOf(v.flagged());
      if (v.flagged().isEmpty()) {
        continue;
      }
      flagged++;
      List<String> tokens =
          tokenizer.tokenize(texts.get(i), ModerationModel.LINEAR_MAX_TOKENS).stream()
              .map(bundle.vocabulary()::resolve)
              .toList();
      for (List<WordWeight> words : v.explanations().values()) {
        assertThat(words).hasSizeBetween(1, ModerationModel.EXPLAINED_WORDS);
        assertThat(words).allSatisfy(w -> assertThat(w.weight()).isPositive());
        assertThat(words).isSortedAccordingTo((a, b) -> Double.compare(b.weight(), a.weight()));
        assertThat(tokens).containsAll(words.stream().map(WordWeight::word).toList());
      }
    }
    assertThat(flagged).as("the sample has flagged comments").isGreaterThan(5);
  }

  @Test
  void aCallSplitAcrossReplicasGivesTheSameScoresAsOneReplica() throws Exception {
    List<String> texts = TestData.sample(300).texts();
    float[][] one = ModerationModel.of(bundle, 1, 64).score(texts);
    ModerationModel split = ModerationModel.of(bundle, 3, 64);
    float[][] three = split.score(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(three[i]).as("text %d", i).containsExactly(one[i]);
    }
    // concurrent callers sharing the helpers and replicas
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<float[][]>> futures = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        futures.add(pool.submit(() -> split.score(texts)));
      }
      for (Future<float[][]> f : futures) {
        float[][] got = f.get();
        for (int i = 0; i < texts.size(); i++) {
          assertThat(got[i]).containsExactly(one[i]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * As on CUDA: the shares are tokenized on their threads, the network scores the call's rows at
   * once.
   */
  @Test
  void aSplitCallWhoseNetworkTakesTheWholeCallGivesTheSameScores() throws Exception {
    List<String> texts = TestData.sample(300).texts();
    float[][] one = ModerationModel.of(bundle, 1, 64).score(texts);
    for (int replicas : new int[] {2, 3}) {
      float[][] whole =
          ModerationModel.of(bundle, replicas, 64, InferenceEngine.DEFAULT, true).score(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(whole[i]).as("%d replicas, text %d", replicas, i).containsExactly(one[i]);
      }
    }
    assertThat(ModerationModel.of(bundle, 3, 64, InferenceEngine.DEFAULT, true).score(List.of()))
        .isEmpty();
  }

  @Test
  void sharesHoldEveryRowOnceInInputOrderAndBalanceTheEstimatedCost() {
    List<String> texts = TestData.sample(300).texts();
    for (int shares = 1; shares <= 3; shares++) {
      int[][] split = ShareScheduler.shares(texts, shares);
      assertThat(split.length).isEqualTo(shares);
      List<Integer> seen = new ArrayList<>();
      long[] load = new long[shares];
      for (int s = 0; s < shares; s++) {
        assertThat(split[s]).as("share %d in input order", s).isSorted();
        for (int row : split[s]) {
          seen.add(row);
          load[s] += ShareScheduler.cost(texts.get(row));
        }
      }
      assertThat(seen)
          .containsExactlyInAnyOrderElementsOf(IntStream.range(0, texts.size()).boxed().toList());
      long heaviest = texts.stream().mapToLong(ShareScheduler::cost).max().orElseThrow();
      long spread =
          Arrays.stream(load).max().orElseThrow() - Arrays.stream(load).min().orElseThrow();
      // Longest first, each to the lightest share: no share ends more than one text behind.
      assertThat(spread)
          .as("%d shares: loads %s", shares, Arrays.toString(load))
          .isLessThanOrEqualTo(heaviest);
    }
  }

  @Test
  void paddingAndBatchCompanionsDoNotChangeAComment() throws Exception {
    ModerationModel model = ModerationModel.of(bundle);
    String shortText = "you idiot";
    float[] alone = model.score(List.of(shortText))[0];
    String longText = "this is a much longer comment ".repeat(10);
    float[][] batched = model.score(List.of(longText, shortText, "ok"));
    for (int j = 0; j < alone.length; j++) {
      assertThat(batched[1][j]).isCloseTo(alone[j], within(1e-5f));
    }
  }

  @Test
  void scoresComeBackInInputOrderWhateverTheBatching() throws Exception {
    List<String> texts = TestData.sample(300).texts();
    float[][] oneBatch = ModerationModel.of(bundle, 1, 1000).score(texts);
    float[][] manyBatches = ModerationModel.of(bundle, 1, 7).score(texts);
    for (int i = 0; i < texts.size(); i++) {
      for (int j = 0; j < oneBatch[i].length; j++) {
        assertThat(manyBatches[i][j])
            .as("row %d label %d", i, j)
            .isCloseTo(oneBatch[i][j], within(1e-5f));
      }
    }
  }

  @Test
  void concurrentCallersGetTheSameScoresAsOne() throws Exception {
    List<String> texts = TestData.sample(200).texts();
    ModerationModel model = ModerationModel.of(bundle, 2, 32);
    float[][] expected = model.score(texts);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[][]>> results = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        results.add(pool.submit(() -> model.score(texts)));
      }
      for (Future<float[][]> f : results) {
        float[][] got = f.get();
        for (int i = 0; i < texts.size(); i++) {
          assertThat(got[i]).containsExactly(expected[i]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void flaggedUsesTheBundleThresholds() {
    ModerationModel model = ModerationModel.of(bundle);
    List<Double> t = bundle.info().thresholds();
    float[] scores = new float[t.size()];
    scores[0] = (float) Math.min(1.0, t.get(0) + 0.01);
    for (int j = 1; j < scores.length; j++) {
      scores[j] = (float) Math.max(0.0, t.get(j) - 0.01);
    }
    assertThat(model.flagged(scores)).containsExactly(bundle.info().labels().get(0));
  }

  @Test
  void theTinyModelLearnedSomething() {
    // 450 rows and two epochs of a tiny network: far from a useful model, but clearly better
    // than chance on its validation rows, which proves the training loop and the scoring path
    // are wired together correctly.
    EvaluationReport validation = TestData.tinyModel().validation();
    assertThat(validation.rows())
        .isEqualTo(TestData.tinyModel().bundle().info().provenance().rows().get("validation"));
    assertThat(validation.meanRocAuc()).isGreaterThan(0.6);
  }
}

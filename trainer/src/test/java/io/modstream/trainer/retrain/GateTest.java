package io.modstream.trainer.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.IdentityTerms;
import io.modstream.model.evaluation.SubgroupBias;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GateTest {

  private static final List<String> LABELS = List.of("toxic", "threat");
  private final Gate gate = new Gate(0.003, 0.02, 0.95, 400);

  /** Rows with known truth and scores that separate them with the given noise. */
  private record Rows(boolean[][] truth, boolean[][] judged, float[][] clean) {}

  private static Rows rows(int n, long seed) {
    Random r = new Random(seed);
    boolean[][] truth = new boolean[n][2];
    boolean[][] judged = new boolean[n][2];
    float[][] clean = new float[n][2];
    for (int i = 0; i < n; i++) {
      truth[i][0] = r.nextDouble() < 0.2;
      truth[i][1] = r.nextDouble() < 0.05;
      judged[i][0] = true;
      judged[i][1] = true;
      clean[i][0] = (float) r.nextDouble();
      clean[i][1] = (float) r.nextDouble();
    }
    return new Rows(truth, judged, clean);
  }

  /** Scores whose ranking is right with weight {@code skill} and random otherwise. */
  private static float[][] model(Rows rows, double skill, long seed) {
    Random r = new Random(seed);
    float[][] s = new float[rows.truth().length][2];
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < 2; j++) {
        double signal = rows.truth()[i][j] ? 1 : 0;
        double p = skill * signal + (1 - skill) * r.nextDouble();
        s[i][j] = (float) Math.min(0.99, Math.max(0.01, 0.1 + 0.8 * p));
      }
    }
    return s;
  }

  private Comparison compare(Rows rows, float[][] champion, float[][] candidate) {
    return Comparison.of(
        "test", LABELS, champion, candidate, rows.truth(), rows.judged(), 400, 0.95, 1L);
  }

  @Test
  void anIdenticalCandidateShowsNoDifferenceAndIsNotReleased() {
    Rows base = rows(1500, 1);
    Rows feedback = rows(200, 2);
    float[][] b = model(base, 0.6, 3);
    float[][] f = model(feedback, 0.3, 4);
    Comparison baseCmp = compare(base, b, b);
    Comparison feedbackCmp = compare(feedback, f, f);
    assertThat(baseCmp.meanAucDifference().value()).isZero();
    assertThat(gate.reasons(baseCmp, feedbackCmp, List.of()))
        .singleElement()
        .asString()
        .startsWith("no difference the gate can see");
    assertThat(gate.reasons(baseCmp, null, List.of()))
        .singleElement()
        .asString()
        .contains("no held-out feedback");
  }

  @Test
  void aCandidateBetterOnHeldOutFeedbackAndAsGoodOnBaseIsReleased() {
    Rows base = rows(1500, 1);
    Rows feedback = rows(300, 2);
    float[][] b = model(base, 0.6, 3);
    Comparison baseCmp = compare(base, b, b);
    Comparison feedbackCmp = compare(feedback, model(feedback, 0.2, 4), model(feedback, 0.6, 5));
    assertThat(feedbackCmp.logLossGain().above0()).isTrue();
    assertThat(feedbackCmp.meanAucDifference().low()).isPositive();
    assertThat(gate.reasons(baseCmp, feedbackCmp, List.of())).isEmpty();
  }

  @Test
  void aCandidateThatLearnedTheFeedbackButLostTheBaseIsRejected() {
    Rows base = rows(1500, 1);
    Rows feedback = rows(300, 2);
    Comparison baseCmp = compare(base, model(base, 0.6, 3), model(base, 0.3, 6));
    Comparison feedbackCmp = compare(feedback, model(feedback, 0.2, 4), model(feedback, 0.6, 5));
    List<String> reasons = gate.reasons(baseCmp, feedbackCmp, List.of());
    assertThat(reasons).anyMatch(r -> r.startsWith("base golden mean ROC-AUC"));
    assertThat(reasons).anyMatch(r -> r.startsWith("toxic base golden ROC-AUC"));
  }

  @Test
  void aCandidateThatOnlyReordersCommentsOfOneClassGetsAnIntervalAroundZero() {
    Rows base = rows(1500, 1);
    float[][] champion = model(base, 0.3, 3);
    float[][] candidate = new float[champion.length][2];
    Random r = new Random(9);
    // Per label, the scores shuffled among the positives and among the negatives: every ROC-AUC
    // on the full rows stays the same, but not on a resample.
    for (int j = 0; j < 2; j++) {
      for (boolean cls : new boolean[] {true, false}) {
        List<Integer> rowsOfClass = new ArrayList<>();
        for (int i = 0; i < champion.length; i++) {
          if (base.truth()[i][j] == cls) {
            rowsOfClass.add(i);
          }
        }
        List<Integer> shuffled = new ArrayList<>(rowsOfClass);
        Collections.shuffle(shuffled, r);
        for (int k = 0; k < rowsOfClass.size(); k++) {
          candidate[rowsOfClass.get(k)][j] = champion[shuffled.get(k)][j];
        }
      }
    }
    Comparison c = compare(base, champion, candidate);
    assertThat(c.meanAucDifference().value()).isCloseTo(0.0, within(1e-12));
    assertThat(c.meanAucDifference().low()).isNegative();
    assertThat(c.meanAucDifference().high()).isPositive();
    assertThat(c.labels()).extracting(Comparison.Label::label).containsExactly("toxic", "threat");
    assertThat(gate.reasons(c, null, List.of()))
        .singleElement()
        .asString()
        .startsWith("no difference");
  }

  @Test
  void aFailingCanaryRejectsAndBadSettingsAreRefused() {
    Rows base = rows(1500, 1);
    Rows feedback = rows(300, 2);
    float[][] b = model(base, 0.6, 3);
    Comparison feedbackCmp = compare(feedback, model(feedback, 0.2, 4), model(feedback, 0.6, 5));
    assertThat(
            gate.reasons(
                compare(base, b, b), feedbackCmp, List.of("\"x\" flagged [toxic], expected none")))
        .containsExactly("canary: \"x\" flagged [toxic], expected none");
    assertThatThrownBy(() -> new Gate(-1, 0)).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new Gate(0, 0, 0.3, 1000)).hasMessageContaining("confidence");
  }

  private static final SubgroupBias BIAS =
      new SubgroupBias(IdentityTerms.parse("gay: gay\nmuslim: muslim", "test"), 10, "toxic");

  /** One comment in 20 mentions "gay", one in 20 "muslim", the rest neither. */
  private static List<String> texts(int n) {
    List<String> texts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      texts.add(
          switch (i % 20) {
            case 0 -> "comment " + i + " about gay rights";
            case 1 -> "comment " + i + " about a Muslim holiday";
            default -> "comment " + i + " about the article";
          });
    }
    return texts;
  }

  private static BiasReport bias(List<String> texts, float[][] scores, Rows rows) {
    return BIAS.evaluate(LABELS, texts, scores, rows.truth());
  }

  @Test
  void aCandidateBiasedAgainstOneSubgroupIsRefusedWithTheBiasReason() {
    Rows base = rows(3000, 1);
    List<String> texts = texts(3000);
    Rows feedback = rows(300, 2);
    Comparison feedbackCmp = compare(feedback, model(feedback, 0.2, 4), model(feedback, 0.6, 5));
    float[][] champion = model(base, 0.3, 3);
    float[][] fair = model(base, 0.4, 7);
    // The biased candidate is the champion, except that harmless comments mentioning "gay" score
    // higher on toxic: they now rank among the toxic comments about other things.
    float[][] biased = new float[champion.length][];
    for (int i = 0; i < champion.length; i++) {
      biased[i] = champion[i].clone();
      if (i % 20 == 0 && !base.truth()[i][0]) {
        biased[i][0] = Math.min(0.99f, biased[i][0] + 0.3f);
      }
    }
    // Mean and label margins of 1 take the other checks out: only the bias check can refuse.
    Gate gate = new Gate(1, 1, 0.95, 400).withBias(0.02, BIAS);
    BiasReport championBias = bias(texts, champion, base);
    BiasReport biasedBias = bias(texts, biased, base);
    assertThat(championBias.subgroup("gay").bpsnAuc() - biasedBias.subgroup("gay").bpsnAuc())
        .isGreaterThan(0.1);
    assertThat(biasedBias.worst()).get().extracting(BiasReport.Worst::subgroup).isEqualTo("gay");

    SubgroupBias.Difference drop =
        BIAS.difference(
            LABELS,
            texts,
            champion,
            biased,
            base.truth(),
            "gay",
            BiasReport.Metric.BPSN,
            400,
            0.95,
            1);
    assertThat(drop.high()).isNegative();
    assertThat(drop.value()).isBetween(drop.low(), drop.high());
    List<String> refused =
        gate.reasons(
            compare(base, champion, biased),
            feedbackCmp,
            List.of(),
            championBias,
            biasedBias,
            drop);
    assertThat(refused)
        .singleElement()
        .asString()
        .startsWith("bias: toxic base golden gay BPSN AUC")
        .contains(String.format(Locale.ROOT, "%.4f", biasedBias.subgroup("gay").bpsnAuc()))
        .contains(
            String.format(Locale.ROOT, "(champion %.4f;", championBias.subgroup("gay").bpsnAuc()))
        .contains(String.format(Locale.ROOT, "%.4f", championBias.worst().get().value()))
        .contains("by more than 0.0200");

    assertThat(
            gate.reasons(
                compare(base, champion, fair),
                feedbackCmp,
                List.of(),
                championBias,
                bias(texts, fair, base),
                null))
        .isEmpty();
    // A drop past the margin whose interval reaches 0 is not told from resampling noise.
    SubgroupBias.Difference noisy =
        new SubgroupBias.Difference(drop.value(), drop.value() - 0.1, 0.001);
    assertThat(
            gate.reasons(
                compare(base, champion, biased),
                feedbackCmp,
                List.of(),
                championBias,
                biasedBias,
                noisy))
        .isEmpty();
    // Without bias figures, or with a margin wider than the drop, the same candidate passes.
    assertThat(gate.reasons(compare(base, champion, biased), feedbackCmp, List.of())).isEmpty();
    assertThat(
            gate.withBias(0.5, BIAS)
                .reasons(
                    compare(base, champion, biased),
                    feedbackCmp,
                    List.of(),
                    championBias,
                    biasedBias,
                    drop))
        .isEmpty();
  }

  @Test
  void subgroupsWithTooFewCommentsNeitherCountNorRefuse() {
    Rows base = rows(3000, 1);
    List<String> texts = texts(3000);
    float[][] champion = model(base, 0.3, 3);
    float[][] biased = new float[champion.length][];
    for (int i = 0; i < champion.length; i++) {
      biased[i] = champion[i].clone();
      if (i % 20 == 0 && !base.truth()[i][0]) {
        biased[i][0] = 0.99f;
      }
    }
    // Each subgroup has about 30 toxic comments; asking for 1,000 of each class leaves no figure.
    SubgroupBias strict = new SubgroupBias(BIAS.terms(), 1_000, "toxic");
    BiasReport a = strict.evaluate(LABELS, texts, champion, base.truth());
    BiasReport b = strict.evaluate(LABELS, texts, biased, base.truth());
    assertThat(b.worst()).isEmpty();
    Comparison feedbackCmp =
        compare(rows(300, 2), model(rows(300, 2), 0.2, 4), model(rows(300, 2), 0.6, 5));
    assertThat(
            new Gate(1, 1, 0.95, 400)
                .withBias(0, strict)
                .reasons(compare(base, champion, champion), feedbackCmp, List.of(), a, b, null))
        .isEmpty();
  }

  @Test
  void theBiasCheckIsOnByDefaultAndValidated() {
    Gate gate = new Gate(0.003, 0.02);
    assertThat(gate.biasMargin()).isEqualTo(Gate.DEFAULT_BIAS_MARGIN);
    assertThat(gate.bias().label()).isEqualTo("toxic");
    assertThat(gate.bias().terms().names()).contains("gay", "muslim", "black", "women");
    assertThatThrownBy(() -> gate.withBias(-0.01, BIAS)).hasMessageContaining("bias margin");
    assertThatThrownBy(() -> gate.withBias(Double.NaN, BIAS)).hasMessageContaining("bias margin");
    assertThatThrownBy(() -> gate.withBias(0.01, null)).hasMessageContaining("SubgroupBias");
  }
}

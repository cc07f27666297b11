package io.modstream.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubgroupBiasTest {

  private static final List<String> LABELS = List.of("toxic", "insult");
  private static final IdentityTerms TERMS =
      IdentityTerms.parse("# test list\ngay: gay\n\nmuslim: muslim, islam\n", "test");

  /**
   * Eight comments; "gay" is mentioned by rows 1-4, "muslim" by rows 2 and 7. The insult column is
   * the opposite of toxic, so reading the wrong column gives other figures.
   */
  private static final List<String> TEXTS =
      List.of(
          "Gay and proud",
          "the gay and Muslim pride page",
          "you gay idiot",
          "gay people are stupid",
          "nice edit",
          "thanks for the source",
          "you muslim idiot",
          "shut up");

  private static final boolean[] TOXIC = {false, false, true, true, false, false, true, true};
  private static final float[] SCORE = {0.85f, 0.2f, 0.9f, 0.6f, 0.1f, 0.6f, 0.8f, 0.4f};

  private static BiasReport evaluate(int minPerClass) {
    float[][] scores = new float[TEXTS.size()][2];
    boolean[][] truth = new boolean[TEXTS.size()][2];
    for (int i = 0; i < scores.length; i++) {
      scores[i][0] = SCORE[i];
      scores[i][1] = 1 - SCORE[i];
      truth[i][0] = TOXIC[i];
      truth[i][1] = !TOXIC[i];
    }
    return new SubgroupBias(TERMS, minPerClass, "toxic").evaluate(LABELS, TEXTS, scores, truth);
  }

  @Test
  void figuresMatchPairCountingByHand() {
    BiasReport r = evaluate(1);
    SubgroupMetrics gay = r.subgroup("gay");
    assertThat(gay.mentions()).isEqualTo(4);
    assertThat(gay.positives()).isEqualTo(2);
    // Within the subgroup, positives {0.9, 0.6} against negatives {0.85, 0.2}: 0.9 beats both,
    // 0.6 beats only 0.2: 3 of 4 pairs.
    assertThat(gay.subgroupAuc()).isCloseTo(0.75, within(1e-12));
    // BPSN: background positives {0.8, 0.4} against the subgroup's negatives {0.85, 0.2}: each
    // beats only 0.2: 2 of 4 pairs.
    assertThat(gay.bpsnAuc()).isCloseTo(0.5, within(1e-12));
    // BNSP: the subgroup's positives {0.9, 0.6} against background negatives {0.1, 0.6}: three
    // wins and a tie (a half): 3.5 of 4 pairs.
    assertThat(gay.bnspAuc()).isCloseTo(0.875, within(1e-12));

    SubgroupMetrics muslim = r.subgroup("muslim");
    assertThat(muslim.mentions()).isEqualTo(2);
    assertThat(muslim.positives()).isEqualTo(1);
    assertThat(muslim.subgroupAuc()).isCloseTo(1.0, within(1e-12)); // 0.8 over 0.2
    // BPSN: {0.9, 0.6, 0.4} against 0.2: all win.
    assertThat(muslim.bpsnAuc()).isCloseTo(1.0, within(1e-12));
    // BNSP: 0.8 against {0.85, 0.1, 0.6}: 2 of 3.
    assertThat(muslim.bnspAuc()).isCloseTo(2.0 / 3, within(1e-12));

    // Overall: positives {0.9, 0.6, 0.8, 0.4} against negatives {0.85, 0.2, 0.1, 0.6}:
    // 4 + 2.5 + 3 + 2 wins of 16 pairs.
    assertThat(r.overallAuc()).isCloseTo(11.5 / 16, within(1e-12));
    assertThat(r.rows()).isEqualTo(8);
    assertThat(r.positives()).isEqualTo(4);
    assertThat(r.label()).isEqualTo("toxic");

    assertThat(r.worst()).contains(new BiasReport.Worst("gay", BiasReport.Metric.BPSN, 0.5));
    // ((0.5^-5 + 1^-5) / 2)^(-1/5) = 16.5^(-1/5)
    assertThat(r.powerMean(BiasReport.Metric.BPSN)).isCloseTo(0.5708, within(1e-4));
    assertThat(r.powerMean(BiasReport.Metric.SUBGROUP_AUC))
        .isCloseTo(Math.pow((Math.pow(0.75, -5) + 1) / 2, -0.2), within(1e-12));
    assertThat(r.competitionScore())
        .isCloseTo(
            (r.overallAuc()
                    + r.powerMean(BiasReport.Metric.SUBGROUP_AUC)
                    + r.powerMean(BiasReport.Metric.BPSN)
                    + r.powerMean(BiasReport.Metric.BNSP))
                / 4,
            within(1e-12));
  }

  @Test
  void aFigureWithTooFewCommentsOfAClassIsLeftOut() {
    // With two of each class required, "muslim" (one positive, one negative) has no figure left,
    // "gay" (two and two, against two background positives and two negatives) keeps all three.
    BiasReport two = evaluate(2);
    assertThat(two.subgroup("muslim").subgroupAuc()).isNaN();
    assertThat(two.subgroup("muslim").bpsnAuc()).isNaN();
    assertThat(two.subgroup("muslim").bnspAuc()).isNaN();
    assertThat(two.subgroup("gay").bpsnAuc()).isCloseTo(0.5, within(1e-12));
    assertThat(two.powerMean(BiasReport.Metric.BPSN)).isCloseTo(0.5, within(1e-12));
    assertThat(two.toTable()).contains("too few").contains("worst: gay BPSN AUC 0.5000");

    BiasReport three = evaluate(3);
    assertThat(three.worst()).isEmpty();
    assertThat(three.powerMean(BiasReport.Metric.BNSP)).isNaN();
    assertThat(three.toTable()).contains("worst: none");
  }

  @Test
  void termsMatchWholeWordsIgnoringCaseAndPhrasesAcrossPunctuation() {
    IdentityTerms terms =
        IdentityTerms.parse("black: black, African American\nmuslim: muslims, islam", "test");
    assertThat(terms.subgroups().get("black")).containsExactly("black", "african american");
    boolean[][] m =
        terms.mentions(
            List.of(
                "BLACK history",
                "blackboard and Islamic art",
                "an African-American writer",
                "africanamerican",
                "the muslims' view",
                "American African"));
    assertThat(m)
        .isDeepEqualTo(
            new boolean[][] {
              {true, false},
              {false, false},
              {true, false},
              {false, false},
              {false, true},
              {false, false}
            });
  }

  @Test
  void theBundledListHasTheIssuesSubgroupsAndBadListsAreRefused() {
    IdentityTerms defaults = IdentityTerms.defaults();
    assertThat(defaults.names())
        .contains(
            "gay",
            "lesbian",
            "bisexual",
            "transgender",
            "muslim",
            "jewish",
            "christian",
            "black",
            "white",
            "asian",
            "latino",
            "women",
            "men",
            "disabled");
    assertThat(defaults.subgroups().get("muslim")).contains("muslim", "muslims", "islam");
    assertThatThrownBy(() -> IdentityTerms.parse("gay gays", "x.txt"))
        .hasMessageContaining("x.txt line 1")
        .hasMessageContaining("name: term");
    assertThatThrownBy(() -> IdentityTerms.parse("gay: gay\ngay: gays", "x.txt"))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> IdentityTerms.parse("gay:", "x.txt")).hasMessageContaining("no terms");
    assertThatThrownBy(() -> IdentityTerms.parse("Gay Men: gay", "x.txt"))
        .hasMessageContaining("lower-case");
    assertThatThrownBy(() -> new SubgroupBias(defaults, 0, "toxic"))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(
            () ->
                SubgroupBias.defaults()
                    .evaluate(List.of("spam"), List.of(), new float[0][], new boolean[0][]))
        .hasMessageContaining("'toxic'");
  }
}

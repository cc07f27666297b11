package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.EngineOptions;
import io.modstream.model.text.TextEncoder;
import io.modstream.model.training.TrainingConfig;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exported graph computes the DL4J network: gate order, per-row reversal, masked pooling. */
class OnnxNetworkTest {

  /** Folded is cheaper than fused above 8 rows at these costs: 4 + 0.5 n against n per step. */
  private static final OnnxNetwork.CallCosts SWITCH_ABOVE_8_ROWS =
      new OnnxNetwork.CallCosts(new OnnxNetwork.Cost(0, 0, 1), new OnnxNetwork.Cost(0, 4, 0.5));

  /** Fused only, folded only, and both with the switch above 8 rows (calls of 1-20 rows below). */
  @ParameterizedTest
  @ValueSource(strings = {"FUSED", "FOLDED", "both"})
  void theOnnxGraphComputesTheDl4jNetworkOnRowsOfMixedLengths(String layout) {
    OnnxGraph.Recurrence only = layout.equals("both") ? null : OnnxGraph.Recurrence.valueOf(layout);
    // Untrained weights: every parameter random, so a swapped gate or a misread layout shows.
    TrainingConfig config = new TrainingConfig(12, 10, 9, 0.0, 40, 1, 500, 8, 1, 1, 1e-3, 3L, null);
    LstmNetwork dl4j = LstmNetwork.create(config, 200, 6);
    OnnxNetwork onnx =
        OnnxNetwork.replica(OnnxNetwork.load(dl4j, false, only, SWITCH_ABOVE_8_ROWS));
    Random random = new Random(11);
    for (int count : new int[] {1, 7, 8, 13, 20}) {
      int[][] rows = randomRows(random, count);
      float[][] expected = dl4j.predict(TextEncoder.pad(rows));
      float[][] actual = onnx.predict(rows);
      for (int i = 0; i < rows.length; i++) {
        for (int j = 0; j < 6; j++) {
          assertThat((double) actual[i][j])
              .as("%s: row %d label %d", layout, i, j)
              .isCloseTo(expected[i][j], Offset.offset(1e-6));
        }
      }
    }
  }

  /**
   * The blend reads the network's log-odds, so a probability of 1e-6 must be right to a few digits,
   * not to 1e-7. ONNX Runtime's CPU Sigmoid is not (docs/model.md, "Engines"), so the graph ends at
   * the logits and the sigmoid is taken in Java.
   */
  @Test
  void smallProbabilitiesKeepTheirRelativePrecision() {
    LstmNetwork dl4j =
        LstmNetwork.create(
            new TrainingConfig(12, 10, 9, 0.0, 40, 1, 500, 8, 1, 1, 1e-3, 3L, null), 200, 6);
    dl4j.param("out_b").subi(14);
    OnnxNetwork onnx =
        OnnxNetwork.replica(OnnxNetwork.load(dl4j, false, null, SWITCH_ABOVE_8_ROWS));
    Random random = new Random(5);
    for (int count : new int[] {3, 16}) {
      int[][] rows = randomRows(random, count);
      float[][] expected = dl4j.predict(TextEncoder.pad(rows));
      float[][] actual = onnx.predict(rows);
      for (int i = 0; i < rows.length; i++) {
        for (int j = 0; j < 6; j++) {
          assertThat((double) expected[i][j])
              .as("row %d label %d is a small probability", i, j)
              .isBetween(1e-9, 1e-5);
          assertThat((double) actual[i][j])
              .as("%d rows: row %d label %d", count, i, j)
              .isCloseTo(expected[i][j], Percentage.withPercentage(0.01));
        }
      }
    }
  }

  /** Rows of 1-40 token ids from a vocabulary of 200. */
  private static int[][] randomRows(Random random, int count) {
    int[][] rows = new int[count][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.ints(1 + random.nextInt(40), 1, 200).toArray();
    }
    return rows;
  }

  @Test
  void aCallRunsTheLayoutItsSizeMakesCheaperAndCostsThat() {
    LstmNetwork dl4j =
        LstmNetwork.create(
            new TrainingConfig(12, 10, 9, 0.0, 40, 1, 500, 8, 1, 1, 1e-3, 3L, null), 200, 6);
    OnnxNetwork.Session session = OnnxNetwork.load(dl4j, false, null, SWITCH_ABOVE_8_ROWS);
    OnnxNetwork both = OnnxNetwork.replica(session);
    // 8 rows of 10 steps: fused 8 x 10 = 80 us, folded (4 + 4) x 10 = 80: not cheaper, so fused.
    assertThat(both.callCost(8, 10)).isEqualTo(80_000);
    // 20 rows: fused 200 us, folded (4 + 10) x 10 = 140.
    assertThat(both.callCost(20, 10)).isEqualTo(140_000);
    OnnxNetwork fusedOnly =
        OnnxNetwork.replica(
            OnnxNetwork.load(dl4j, false, OnnxGraph.Recurrence.FUSED, SWITCH_ABOVE_8_ROWS));
    assertThat(fusedOnly.callCost(20, 10)).isEqualTo(200_000);
    assertThat(session.toString())
        .isEqualTo(
            "fused and folded graphs on CPU, each call on the cheaper by call costs"
                + " 0.0,0.0,1.0,0.0,4.0,0.5");
    // Without costs (CUDA's default) no estimate: Scoring cuts batches at the batch size.
    assertThat(OnnxNetwork.replica(OnnxNetwork.load(dl4j, false, null, null)).callCost(20, 10))
        .isZero();
  }

  @Test
  void measuredCostsMakeTheFoldedLayoutPayFromAboutElevenRows() {
    OnnxNetwork.CallCosts measured = OnnxNetwork.CallCosts.MEASURED;
    for (int steps : new int[] {8, 57, 128}) {
      assertThat(measured.folded().nanos(8, steps))
          .as("8 rows of %d", steps)
          .isGreaterThan(measured.fused().nanos(8, steps));
      assertThat(measured.folded().nanos(16, steps))
          .as("16 rows of %d", steps)
          .isLessThan(measured.fused().nanos(16, steps));
    }
  }

  @Test
  void cpuRunsBothLayoutsCudaTheFusedOneUnlessTheOptionsSayOtherwise() {
    assertThat(OnnxNetwork.recurrence(EngineOptions.Recurrence.AUTO, false)).isNull();
    assertThat(OnnxNetwork.recurrence(EngineOptions.Recurrence.AUTO, true))
        .isEqualTo(OnnxGraph.Recurrence.FUSED);
    assertThat(OnnxNetwork.recurrence(EngineOptions.Recurrence.of("Folded"), true))
        .isEqualTo(OnnxGraph.Recurrence.FOLDED);
    assertThat(OnnxNetwork.recurrence(EngineOptions.Recurrence.of("fused"), false))
        .isEqualTo(OnnxGraph.Recurrence.FUSED);
    assertThatThrownBy(() -> EngineOptions.Recurrence.of("scan"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auto, fused or folded");
  }

  @Test
  void cudaMultipliesInFloat32UnlessTf32IsAskedFor() {
    // TF32 moves scores further from DL4J's than the target allows: never on by default.
    assertThat(EngineOptions.DEFAULT.cudaTf32()).isFalse();
    LstmNetwork dl4j =
        LstmNetwork.create(
            new TrainingConfig(12, 10, 9, 0.0, 40, 1, 500, 8, 1, 1, 1e-3, 3L, null), 200, 6);
    assertThat(OnnxNetwork.load(dl4j, false, EngineOptions.DEFAULT).toString()).contains("on CPU");
  }

  @Test
  void callCostsComeFromTheOptionsWhenSetAndMalformedOnesNameTheFormat() {
    assertThat(OnnxNetwork.CallCosts.of(EngineOptions.DEFAULT, false))
        .isEqualTo(OnnxNetwork.CallCosts.MEASURED);
    assertThat(OnnxNetwork.CallCosts.of(EngineOptions.DEFAULT, true))
        .as("no CPU figures for a GPU")
        .isNull();
    EngineOptions set =
        new EngineOptions(
            EngineOptions.Recurrence.AUTO,
            EngineOptions.parseCallCosts("20, 2, 4, 0, 18, 2.5"),
            false);
    assertThat(OnnxNetwork.CallCosts.of(set, true))
        .isEqualTo(
            new OnnxNetwork.CallCosts(
                new OnnxNetwork.Cost(20, 2, 4), new OnnxNetwork.Cost(0, 18, 2.5)));
    assertThatThrownBy(
            () ->
                new EngineOptions(
                    EngineOptions.Recurrence.AUTO, EngineOptions.parseCallCosts("20,2,4"), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("six numbers")
        .hasMessageContaining("ops/jmh-bench --call-costs");
    assertThatThrownBy(
            () ->
                new EngineOptions(
                    EngineOptions.Recurrence.AUTO,
                    EngineOptions.parseCallCosts("20,2,0,0,18,2.5"),
                    false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row-step > 0");
    assertThatThrownBy(() -> EngineOptions.parseCallCosts("20,2,x,0,18,2.5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x' is not a number");
  }
}

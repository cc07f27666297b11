package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.TextEncoder;
import io.modstream.model.TrainingConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exported graph computes the DL4J network: gate order, per-row reversal, masked pooling. */
class OnnxNetworkTest {

  /** Fused only, folded only, and both with the switch at 8 rows (calls of 1-20 rows below). */
  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, 0, 8})
  void theOnnxGraphComputesTheDl4jNetworkOnRowsOfMixedLengths(int foldedFromRows) {
    // Untrained weights: every parameter random, so a swapped gate or a misread layout shows.
    TrainingConfig config = new TrainingConfig(12, 10, 9, 0.0, 40, 1, 500, 8, 1, 1, 1e-3, 3L);
    LstmNetwork dl4j = LstmNetwork.create(config, 200, 6);
    OnnxNetwork onnx = OnnxNetwork.replica(OnnxNetwork.load(dl4j, false, foldedFromRows));
    Random random = new Random(11);
    for (int count : new int[] {1, 7, 8, 13, 20}) {
      int[][] rows = new int[count][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = random.ints(1 + random.nextInt(40), 1, 200).toArray();
      }
      float[][] expected = dl4j.predict(TextEncoder.pad(rows));
      float[][] actual = onnx.predict(rows);
      for (int i = 0; i < rows.length; i++) {
        for (int j = 0; j < 6; j++) {
          assertThat((double) actual[i][j]).as("folded from %d rows: row %d label %d", foldedFromRows, i, j).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(1e-6));
        }
      }
    }
  }

  @Test
  void cpuRunsBothLayoutsByCallSizeCudaTheFusedOneUnlessTheSystemPropertySaysOtherwise() {
    assertThat(OnnxNetwork.foldedFromRows(false)).isEqualTo(OnnxNetwork.FOLDED_MIN_ROWS);
    assertThat(OnnxNetwork.foldedFromRows(true)).isEqualTo(Integer.MAX_VALUE);
    try {
      System.setProperty("modstream.onnx.recurrence", "Folded");
      assertThat(OnnxNetwork.foldedFromRows(true)).isZero();
      System.setProperty("modstream.onnx.recurrence", "fused");
      assertThat(OnnxNetwork.foldedFromRows(false)).isEqualTo(Integer.MAX_VALUE);
      System.setProperty("modstream.onnx.recurrence", "scan");
      assertThatThrownBy(() -> OnnxNetwork.foldedFromRows(false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fused, folded or auto");
    } finally {
      System.clearProperty("modstream.onnx.recurrence");
    }
  }
}

package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.TextEncoder;
import io.modstream.model.TrainingConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The exported graph computes the DL4J network: gate order, per-row reversal, masked pooling. */
class OnnxNetworkTest {

  @ParameterizedTest
  @EnumSource(OnnxGraph.Recurrence.class)
  void theOnnxGraphComputesTheDl4jNetworkOnRowsOfMixedLengths(OnnxGraph.Recurrence recurrence) {
    // Untrained weights: every parameter random, so a swapped gate or a misread layout shows.
    TrainingConfig config = new TrainingConfig(12, 10, 9, 0.0, 40, 1, 500, 8, 1, 1, 1e-3, 3L);
    LstmNetwork dl4j = LstmNetwork.create(config, 200, 6);
    OnnxNetwork onnx = OnnxNetwork.replica(OnnxNetwork.load(dl4j, false, recurrence));
    Random random = new Random(11);
    for (int round = 0; round < 5; round++) {
      int[][] rows = new int[1 + random.nextInt(20)][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = random.ints(1 + random.nextInt(40), 1, 200).toArray();
      }
      float[][] expected = dl4j.predict(TextEncoder.pad(rows));
      float[][] actual = onnx.predict(rows);
      for (int i = 0; i < rows.length; i++) {
        for (int j = 0; j < 6; j++) {
          assertThat((double) actual[i][j]).as("%s row %d label %d", recurrence, i, j).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(1e-6));
        }
      }
    }
  }

  @Test
  void cpuRunsTheFoldedLayoutUnlessTheSystemPropertySaysOtherwise() {
    assertThat(OnnxNetwork.recurrence(false)).isEqualTo(OnnxGraph.Recurrence.FOLDED);
    assertThat(OnnxNetwork.recurrence(true)).isEqualTo(OnnxGraph.Recurrence.FUSED);
    System.setProperty("modstream.onnx.recurrence", "Fused");
    try {
      assertThat(OnnxNetwork.recurrence(false)).isEqualTo(OnnxGraph.Recurrence.FUSED);
      System.setProperty("modstream.onnx.recurrence", "scan");
      assertThatThrownBy(() -> OnnxNetwork.recurrence(false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fused or folded");
    } finally {
      System.clearProperty("modstream.onnx.recurrence");
    }
  }
}

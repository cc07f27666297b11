package io.modstream.model.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.TextEncoder;
import io.modstream.model.TrainingConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exported graph computes the DL4J network: gate order, per-row reversal, masked pooling. */
class OnnxNetworkTest {

  @Test
  void theOnnxGraphComputesTheDl4jNetworkOnRowsOfMixedLengths() {
    // Untrained weights: every parameter random, so a swapped gate or a misread layout shows.
    TrainingConfig config = new TrainingConfig(12, 10, 9, 0.0, 40, 1, 500, 8, 1, 1, 1e-3, 3L);
    LstmNetwork dl4j = LstmNetwork.create(config, 200, 6);
    OnnxNetwork onnx = OnnxNetwork.replica(OnnxNetwork.load(dl4j, false));
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
          assertThat((double) actual[i][j]).as("row %d label %d", i, j).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(1e-6));
        }
      }
    }
  }
}

package io.modstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.testing.TestData;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime runs the DL4J network's weights and must give DL4J's scores: the reference path
 * decides, speed never changes a verdict.
 */
class InferenceEngineTest {

  /** The largest score difference allowed between engines. */
  static final double TOLERANCE = 1e-5;

  /**
   * The golden format 1 bundle serves its network alone (no blend), so its scores are the
   * network's: the engines must agree on them, whatever batch a comment shares.
   */
  @Test
  void onnxScoresEqualDl4jScoresOnTheSampleAcrossBatchShapes() throws Exception {
    ModelBundle bundle = ModelBundle.load(Paths.get("src/test/resources/golden/format-1/bundle"));
    assertThat(bundle.info().calibration()).as("network-only bundle").isNull();
    List<String> texts = new ArrayList<>(TestData.sample(600).texts());
    texts.add("");
    texts.add("a");
    texts.add("word ".repeat(500));
    // Batches of 1, 7 and 64 put each comment next to different companions and paddings.
    for (int batch : new int[] {1, 7, 64}) {
      float[][] reference = ModerationModel.of(bundle, 1, batch, InferenceEngine.DL4J).score(texts);
      float[][] onnx = ModerationModel.of(bundle, 2, batch, InferenceEngine.ONNX).score(texts);
      assertThat(maxDifference(reference, onnx))
          .as("batch %d", batch)
          .isLessThanOrEqualTo(TOLERANCE);
      assertThat(spread(reference))
          .as("the network's scores vary, so agreement means something")
          .isGreaterThan(0.1);
    }
  }

  /**
   * The blend reads the network's log-odds, where a small probability's last digits count; on CPU
   * the engines agree to ~2e-7 on the Jigsaw validation split, so 1e-6 here, and double precision
   * agrees with both.
   */
  @Test
  void theServedBlendIsTheSameOnEitherEngine() throws Exception {
    ModelBundle bundle = TestData.tinyModel().bundle();
    List<String> texts = TestData.sample(200).texts();
    float[][] reference = ModerationModel.of(bundle, 1, 64, InferenceEngine.DL4J).score(texts);
    float[][] onnx = ModerationModel.of(bundle, 1, 64, InferenceEngine.ONNX).score(texts);
    float[][] exact = ModerationModel.of(bundle, 1, 64, InferenceEngine.DL4J_FLOAT64).score(texts);
    assertThat(maxDifference(reference, onnx)).isLessThanOrEqualTo(1e-6);
    assertThat(maxDifference(exact, onnx)).isLessThanOrEqualTo(1e-6);
    assertThat(maxDifference(exact, reference)).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void engineIdsParseAndUnknownOnesAreRefusedWithTheValidIds() {
    assertThat(InferenceEngine.of(" ONNX ")).isEqualTo(InferenceEngine.ONNX);
    assertThat(InferenceEngine.of("dl4j")).isEqualTo(InferenceEngine.DL4J);
    assertThat(InferenceEngine.of("onnx-cuda")).isEqualTo(InferenceEngine.ONNX_CUDA);
    assertThat(InferenceEngine.of("dl4j-float64")).isEqualTo(InferenceEngine.DL4J_FLOAT64);
    assertThatThrownBy(() -> InferenceEngine.of("tensorrt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dl4j, onnx, onnx-cuda");
  }

  static double spread(float[][] scores) {
    double min = 1;
    double max = 0;
    for (float[] row : scores) {
      for (float v : row) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return max - min;
  }

  static double maxDifference(float[][] a, float[][] b) {
    assertThat(b.length).isEqualTo(a.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).hasSameSizeAs(a[i]);
      for (int j = 0; j < a[i].length; j++) {
        max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return max;
  }
}

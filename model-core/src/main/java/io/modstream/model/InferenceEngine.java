package io.modstream.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What runs a bundle's network when scoring. Every engine runs the same trained weights and must
 * give the reference's scores within the target that {@code trainer verify-engine} checks (figures
 * in docs/model.md, "Engines", and docs/gpu.md). Deeplearning4j stays the training engine and the
 * reference.
 */
public enum InferenceEngine {
  /** Deeplearning4j (ND4J, CPU): the reference. */
  DL4J("dl4j"),
  /** ONNX Runtime on the CPU, from the network's weights converted at load time. */
  ONNX("onnx"),
  /** ONNX Runtime on CUDA device 0; needs the {@code -Pgpu} build and a CUDA 12 host. */
  ONNX_CUDA("onnx-cuda"),
  /**
   * Deeplearning4j with the weights and arithmetic in double precision (each probability rounded to
   * float at the end): for checking the float engines against exact arithmetic ({@code
   * verify-engine --reference dl4j-float64}), not for serving.
   */
  DL4J_FLOAT64("dl4j-float64");

  /** The engine used when none is named: the fastest on CPU (docs/benchmarks.md). */
  public static final InferenceEngine DEFAULT = ONNX;

  private final String id;

  InferenceEngine(String id) {
    this.id = id;
  }

  /**
   * Returns the name used in configuration.
   *
   * @return the id, such as {@code onnx}
   */
  public String id() {
    return id;
  }

  /**
   * Parses a configuration name.
   *
   * @param id an engine id, in any case
   * @return the engine
   * @throws IllegalArgumentException naming the valid ids if it is none of them
   */
  public static InferenceEngine of(String id) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    for (InferenceEngine e : values()) {
      if (e.id.equals(wanted)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown inference engine '"
            + id
            + "'; use one of "
            + Arrays.stream(values()).map(InferenceEngine::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}

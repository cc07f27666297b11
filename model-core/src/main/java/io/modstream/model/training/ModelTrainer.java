package io.modstream.model.training;

import io.modstream.model.BundleInfo;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.Provenance;
import io.modstream.model.ScoreCalibration;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.internal.Blending;
import io.modstream.model.internal.LengthBatches;
import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.LinearTrainer;
import io.modstream.model.internal.LstmNetwork;
import io.modstream.model.internal.MiniLmEmbeddings;
import io.modstream.model.internal.Scoring;
import io.modstream.model.text.TextEncoder;
import io.modstream.model.text.Tokenizer;
import io.modstream.model.text.Vocabulary;
import io.modstream.model.text.VocabularyBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the BiLSTM on training rows and keeps the epoch with the best calibration mean ROC-AUC;
 * trains the linear model (TF-IDF word and character n-grams, logistic regression) on the training
 * rows; fits the blend weight and per-label Platt scaling on the calibration rows ({@link
 * ScoreCalibration}); refits the linear model on training plus calibration rows; tunes per-label
 * thresholds for best F1 on the calibrated calibration scores and returns a {@link ModelBundle}.
 * Rows carry weights and may judge only some labels ({@link Example}). The vocabulary comes from
 * the training rows only. Golden rows never reach this class.
 */
public final class ModelTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);
  private static final int VALIDATION_BATCH = 256;

  private final TrainingConfig config;
  private final TrainingListener listener;
  private final Map<String, Integer> sources;
  private final LinearConfig linearConfig;

  /**
   * Creates a trainer.
   *
   * @param config the hyper-parameters
   * @param listener progress callbacks
   */
  public ModelTrainer(TrainingConfig config, TrainingListener listener) {
    this(config, listener, null, LinearConfig.defaults());
  }

  private ModelTrainer(
      TrainingConfig config,
      TrainingListener listener,
      Map<String, Integer> sources,
      LinearConfig linearConfig) {
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.sources = sources;
    this.linearConfig = linearConfig;
  }

  /**
   * Returns a trainer with other linear-model settings, or with none: {@code null} trains the LSTM
   * alone and writes a format 1 bundle (uncalibrated network probabilities), for comparisons.
   *
   * @param linear the linear model's settings, or null
   * @return the trainer
   */
  public ModelTrainer withLinear(LinearConfig linear) {
    return new ModelTrainer(config, listener, sources, linear);
  }

  /**
   * Returns a trainer that records where its training rows came from in the provenance.
   *
   * @param sources rows per origin
   * @return the trainer
   */
  public ModelTrainer withSources(Map<String, Integer> sources) {
    return new ModelTrainer(config, listener, Map.copyOf(sources), linearConfig);
  }

  /**
   * Trains a model.
   *
   * @param split training and validation data with the same labels
   * @param name the model name to record
   * @param version the model version to record
   * @return the bundle and its figures
   */
  public TrainingResult train(LabelledDataset.Split split, String name, String version) {
    return train(TrainingSet.of(split), name, version);
  }

  /**
   * Trains a model from scratch (new vocabulary, network and linear model) on weighted, possibly
   * partial rows; the network fits on every training row ({@link TrainingSet#networkTrain()} is for
   * fine-tuning).
   *
   * @param set training and calibration rows
   * @param name the model name to record
   * @param version the model version to record
   * @return the bundle and its figures
   */
  public TrainingResult train(TrainingSet set, String name, String version) {
    MiniLmEmbeddings minilm =
        config.embeddings() == TrainingConfig.Embeddings.MINILM ? MiniLmEmbeddings.load() : null;
    Tokenizer tokenizer =
        minilm == null ? Tokenizer.standard() : Tokenizer.wordPiece(minilm.pieces());
    VocabularyBuilder vocabBuilder =
        new VocabularyBuilder(config.vocabMinFrequency(), config.vocabMaxSize());
    for (Example row : set.train()) {
      if (row.copies() > 0) {
        vocabBuilder.add(tokenizer.tokenize(row.comment().text(), config.maxLength()));
      }
    }
    Vocabulary vocabulary = vocabBuilder.build();
    LstmNetwork network = LstmNetwork.create(config, vocabulary.size(), set.labels().size());
    if (minilm != null) {
      // The bundle keeps only the pieces the training rows use and splits words over them, as
      // serving will: the training rows split exactly as over all of MiniLM's pieces.
      tokenizer = Tokenizer.forScheme(Tokenizer.WORDPIECE_SCHEME, vocabulary);
      network.setEmbedding(minilm.rows(vocabulary));
    }
    TrainingSet fromScratch =
        new TrainingSet(set.labels(), set.train(), set.calibration(), set.source(), set.sha256());
    return run(
        fromScratch,
        tokenizer,
        vocabulary,
        network,
        config.maxLength(),
        linearConfig,
        name,
        version);
  }

  /**
   * Retrains a released model on new rows: the network starts from the champion's weights (same
   * vocabulary, tokenizer and maximum length; this trainer's epochs, patience, batch size and
   * learning rate), the linear model is refitted from scratch with the champion's settings, and the
   * blend, calibration and thresholds are refitted on the calibration rows. Every part of the
   * decision that rows can inform changes.
   *
   * @param champion the model to start from
   * @param set training and calibration rows with the champion's labels
   * @param name the model name to record
   * @param version the model version to record
   * @return the fine-tuned bundle and its figures
   */
  public TrainingResult fineTune(
      ModelBundle champion, TrainingSet set, String name, String version) {
    if (!champion.info().labels().equals(set.labels())) {
      throw new IllegalArgumentException(
          "the data's labels "
              + set.labels()
              + " differ from the champion's "
              + champion.info().labels()
              + "; fine-tuning keeps the label set");
    }
    LstmNetwork network = champion.newNetwork();
    network.setLearningRate(config.learningRate());
    return run(
        set,
        Tokenizer.forScheme(champion.info().tokenizerScheme(), champion.vocabulary()),
        champion.vocabulary(),
        network,
        champion.info().maxLength(),
        champion.linear() == null ? null : champion.info().provenance().linear(),
        name,
        version);
  }

  private TrainingResult run(
      TrainingSet set,
      Tokenizer tokenizer,
      Vocabulary vocabulary,
      LstmNetwork network,
      int maxLength,
      LinearConfig linearSettings,
      String name,
      String version) {
    List<String> labels = set.labels();
    List<Example> train = set.train();
    List<Example> calibration = set.calibration();
    TextEncoder encoder = new TextEncoder(tokenizer, vocabulary, maxLength);
    // A row of weight w enters each epoch w times (see Example.copies).
    List<Example> epochRows = new ArrayList<>();
    for (Example row : set.networkTrain()) {
      for (int c = row.copies(); c > 0; c--) {
        epochRows.add(row);
      }
    }
    if (epochRows.isEmpty()) {
      throw new IllegalArgumentException("every training row has weight 0");
    }
    int[][] trainRows = new int[epochRows.size()][];
    float[][] targets = new float[epochRows.size()][];
    float[][] targetMask = new float[epochRows.size()][];
    boolean anyPartial = false;
    for (int i = 0; i < trainRows.length; i++) {
      Example row = epochRows.get(i);
      trainRows[i] = encoder.encode(row.comment().text());
      targets[i] = new float[labels.size()];
      targetMask[i] = new float[labels.size()];
      for (int j = 0; j < labels.size(); j++) {
        targets[i][j] = row.comment().label(j) ? 1f : 0f;
        targetMask[i][j] = row.isJudged(j) ? 1f : 0f;
      }
      anyPartial |= !row.complete();
    }
    int[][] validationRows = new int[calibration.size()][];
    for (int i = 0; i < validationRows.length; i++) {
      validationRows[i] = encoder.encode(calibration.get(i).comment().text());
    }
    boolean[][] validationTruth = truth(calibration);
    boolean[][] validationJudged = judged(calibration);
    LOG.info(
        "training on {} rows ({} with weights), calibrating on {}, vocabulary {} tokens, labels {}",
        train.size(),
        epochRows.size(),
        calibration.size(),
        vocabulary.size(),
        labels);

    Random random = new Random(config.seed());
    int stepsPerEpoch = (trainRows.length + config.batchSize() - 1) / config.batchSize();
    listener.onStart(config.epochs(), stepsPerEpoch, trainRows.length, network.parameterCount());

    double[] half = new double[labels.size()];
    Arrays.fill(half, 0.5);
    List<TrainingListener.EpochResult> history = new ArrayList<>();
    Object bestWeights = null;
    double bestAuc = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      long started = System.nanoTime();
      double lossSum = 0;
      int step = 0;
      for (int[] batch : LengthBatches.forTraining(trainRows, config.batchSize(), random)) {
        int[][] members = new int[batch.length][];
        float[][] y = new float[batch.length][];
        float[][] mask = anyPartial ? new float[batch.length][] : null;
        for (int k = 0; k < batch.length; k++) {
          members[k] = trainRows[batch[k]];
          y[k] = targets[batch[k]];
          if (mask != null) {
            mask[k] = targetMask[batch[k]];
          }
        }
        double loss = network.fit(TextEncoder.pad(members), y, mask);
        lossSum += loss;
        listener.onStep(epoch, ++step, batch.length, loss);
      }
      float[][] scores = Scoring.score(network, validationRows, VALIDATION_BATCH, labels.size());
      EvaluationReport report =
          Evaluator.evaluate(labels, scores, validationTruth, validationJudged, half);
      boolean best = report.meanRocAuc() > bestAuc || bestWeights == null;
      if (best) {
        bestAuc = report.meanRocAuc();
        bestEpoch = epoch;
        bestWeights = network.snapshot();
      }
      TrainingListener.EpochResult result =
          new TrainingListener.EpochResult(
              epoch,
              lossSum / Math.max(1, step),
              report,
              (System.nanoTime() - started) / 1e9,
              best);
      history.add(result);
      listener.onEpochEnd(result);
      if (epoch - bestEpoch >= config.patience()) {
        LOG.info(
            "no better validation mean ROC-AUC for {} epochs; stopping after epoch {}",
            config.patience(),
            epoch);
        break;
      }
    }
    network.restore(bestWeights);

    float[][] scores = Scoring.score(network, validationRows, VALIDATION_BATCH, labels.size());
    LinearModel linear = null;
    ScoreCalibration calibrationFit = null;
    if (linearSettings != null) {
      long started = System.nanoTime();
      LOG.info(
          "training the linear model (TF-IDF word 1-2-grams and char 2-5-grams, {} labels)",
          labels.size());
      List<List<String>> trainTokens = linearTokens(tokenizer, vocabulary, train);
      linear =
          LinearTrainer.train(
              trainTokens, truth(train), judged(train), copies(train), linearSettings);
      LOG.info(
          "linear model: {} features, trained in {} s",
          linear.features(),
          Math.round((System.nanoTime() - started) / 1e9));
      List<List<String>> validationTokens = linearTokens(tokenizer, vocabulary, calibration);
      double[][] linearLogits = new double[calibration.size()][];
      for (int i = 0; i < linearLogits.length; i++) {
        linearLogits[i] = linear.logits(validationTokens.get(i));
      }
      calibrationFit = Blending.fit(scores, linearLogits, validationTruth, validationJudged);
      LOG.info(
          "blend: LSTM weight {}, linear weight {}; Platt slopes {} intercepts {}",
          calibrationFit.networkWeight(),
          1 - calibrationFit.networkWeight(),
          calibrationFit.slopes(),
          calibrationFit.intercepts());
      // The linear model needs no early stopping: refit it on the training and calibration rows,
      // as the baseline it competes with is; the blend and calibration stay those fitted on
      // held-out outputs. Golden rows are never among them.
      started = System.nanoTime();
      List<Example> fitRows = new ArrayList<>(train);
      fitRows.addAll(calibration);
      List<List<String>> all = new ArrayList<>(trainTokens);
      all.addAll(validationTokens);
      linear =
          LinearTrainer.train(
              all, truth(fitRows), judged(fitRows), copies(fitRows), linearSettings);
      LOG.info(
          "linear model refitted on {} training and calibration rows in {} s",
          all.size(),
          Math.round((System.nanoTime() - started) / 1e9));
      for (int i = 0; i < scores.length; i++) {
        for (int j = 0; j < labels.size(); j++) {
          scores[i][j] = calibrationFit.apply(j, scores[i][j], linearLogits[i][j]);
        }
      }
    }
    // Thresholds and the reported validation figures come from held-out outputs.
    double[] thresholds = Evaluator.bestF1Thresholds(scores, validationTruth, validationJudged);
    EvaluationReport finalReport =
        Evaluator.evaluate(labels, scores, validationTruth, validationJudged, thresholds);

    Map<String, Integer> rowCounts = new LinkedHashMap<>();
    rowCounts.put("total", train.size() + calibration.size());
    rowCounts.put("train", train.size());
    rowCounts.put("validation", calibration.size());
    for (int j = 0; j < labels.size(); j++) {
      rowCounts.put("positives." + labels.get(j), positives(train, j) + positives(calibration, j));
    }
    Map<String, Integer> epochs = new LinkedHashMap<>();
    epochs.put("kept", bestEpoch);
    epochs.put("ran", history.size());
    Provenance provenance =
        new Provenance(
            Instant.now().toString(),
            config,
            set.source(),
            set.sha256(),
            rowCounts,
            finalReport,
            epochs,
            environment(),
            sources,
            linear == null ? null : linearSettings);
    List<Double> thresholdList = new ArrayList<>();
    for (double t : thresholds) {
      thresholdList.add(t);
    }
    BundleInfo info =
        new BundleInfo(
            linear == null ? 1 : ModelBundle.FORMAT_VERSION,
            name,
            version,
            labels,
            thresholdList,
            tokenizer.scheme(),
            maxLength,
            provenance,
            linear == null ? null : calibrationFit);
    return new TrainingResult(
        new ModelBundle(info, vocabulary, network, linear), finalReport, history, scores);
  }

  private static boolean[][] truth(List<Example> rows) {
    return rows.stream().map(e -> e.comment().labels()).toArray(boolean[][]::new);
  }

  private static boolean[][] judged(List<Example> rows) {
    return rows.stream().map(Example::judged).toArray(boolean[][]::new);
  }

  private static int[] copies(List<Example> rows) {
    return rows.stream().mapToInt(Example::copies).toArray();
  }

  private static int positives(List<Example> rows, int label) {
    int n = 0;
    for (Example e : rows) {
      n += e.isJudged(label) && e.comment().label(label) ? 1 : 0;
    }
    return n;
  }

  /** The tokens the linear model reads, as {@link ModerationModel} produces them when serving. */
  private static List<List<String>> linearTokens(
      Tokenizer tokenizer, Vocabulary vocabulary, List<Example> rows) {
    List<List<String>> docs = new ArrayList<>(rows.size());
    for (Example row : rows) {
      docs.add(
          tokenizer.tokenize(row.comment().text(), ModerationModel.LINEAR_MAX_TOKENS).stream()
              .map(vocabulary::resolve)
              .toList());
    }
    return docs;
  }

  /**
   * Returns the versions of modstream, DL4J and the JVM, and the OS and architecture.
   *
   * @return name to version
   */
  public static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    Properties build = new Properties();
    try (InputStream in = ModelTrainer.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      LOG.warn("could not read build.properties: {}", e.toString());
    }
    build.stringPropertyNames().forEach(k -> env.put(k, build.getProperty(k)));
    env.put("java.version", System.getProperty("java.version"));
    env.put("java.vm", System.getProperty("java.vm.name"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.put("arch", System.getProperty("os.arch"));
    env.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    String omp = System.getenv("OMP_NUM_THREADS");
    env.put("OMP_NUM_THREADS", omp == null ? "unset" : omp);
    return env;
  }
}

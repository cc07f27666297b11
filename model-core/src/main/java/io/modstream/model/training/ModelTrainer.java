package io.modstream.model.training;

import io.modstream.model.BundleInfo;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.Provenance;
import io.modstream.model.ScoreCalibration;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.internal.Blending;
import io.modstream.model.internal.LengthBatches;
import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.LinearTrainer;
import io.modstream.model.internal.LstmNetwork;
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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the BiLSTM on a training split and keeps the epoch with the best validation mean ROC-AUC;
 * trains the linear model (TF-IDF word and character n-grams, logistic regression) on the same
 * split; fits the blend weight and per-label Platt scaling on the validation split ({@link
 * ScoreCalibration}); tunes per-label thresholds for best F1 on the calibrated validation scores
 * and returns a {@link ModelBundle}. The vocabulary comes from the training split only.
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
    checkSplit(split);
    Tokenizer tokenizer = Tokenizer.standard();
    VocabularyBuilder vocabBuilder =
        new VocabularyBuilder(config.vocabMinFrequency(), config.vocabMaxSize());
    for (LabelledComment row : split.train().rows()) {
      vocabBuilder.add(tokenizer.tokenize(row.text(), config.maxLength()));
    }
    Vocabulary vocabulary = vocabBuilder.build();
    LstmNetwork network =
        LstmNetwork.create(config, vocabulary.size(), split.train().labels().size());
    return run(split, tokenizer, vocabulary, network, config.maxLength(), name, version, null);
  }

  /**
   * Fine-tunes a released model: same vocabulary, tokenizer and maximum length, starting from its
   * weights, with this trainer's epochs, patience, batch size and learning rate. The fast path for
   * feedback: minutes instead of a full training run. The champion's linear model and calibration
   * are kept as they are (feedback sets are too small to refit them; a full retrain does).
   *
   * @param champion the model to start from
   * @param split training and validation data with the champion's labels
   * @param name the model name to record
   * @param version the model version to record
   * @return the fine-tuned bundle and its figures
   */
  public TrainingResult fineTune(
      ModelBundle champion, LabelledDataset.Split split, String name, String version) {
    checkSplit(split);
    if (!champion.info().labels().equals(split.train().labels())) {
      throw new IllegalArgumentException(
          "the data's labels "
              + split.train().labels()
              + " differ from the champion's "
              + champion.info().labels()
              + "; fine-tuning keeps the label set");
    }
    LstmNetwork network = champion.newNetwork();
    network.setLearningRate(config.learningRate());
    return run(
        split,
        Tokenizer.forScheme(champion.info().tokenizerScheme()),
        champion.vocabulary(),
        network,
        champion.info().maxLength(),
        name,
        version,
        champion);
  }

  private static void checkSplit(LabelledDataset.Split split) {
    if (!split.train().labels().equals(split.validation().labels())) {
      throw new IllegalArgumentException(
          "training labels "
              + split.train().labels()
              + " differ from validation labels "
              + split.validation().labels());
    }
    if (split.train().size() == 0 || split.validation().size() == 0) {
      throw new IllegalArgumentException("both the training and the validation split need rows");
    }
  }

  private TrainingResult run(
      LabelledDataset.Split split,
      Tokenizer tokenizer,
      Vocabulary vocabulary,
      LstmNetwork network,
      int maxLength,
      String name,
      String version,
      ModelBundle champion) {
    LabelledDataset train = split.train();
    LabelledDataset validation = split.validation();
    List<String> labels = train.labels();
    TextEncoder encoder = new TextEncoder(tokenizer, vocabulary, maxLength);
    int[][] trainRows = encodeAll(encoder, train);
    int[][] validationRows = encodeAll(encoder, validation);
    float[][] targets = targets(train);
    boolean[][] validationTruth = validation.truth();
    LOG.info(
        "training on {} rows, validating on {}, vocabulary {} tokens, labels {}",
        train.size(),
        validation.size(),
        vocabulary.size(),
        labels);

    Random random = new Random(config.seed());
    int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
    listener.onStart(config.epochs(), stepsPerEpoch, train.size(), network.parameterCount());

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
        for (int k = 0; k < batch.length; k++) {
          members[k] = trainRows[batch[k]];
          y[k] = targets[batch[k]];
        }
        double loss = network.fit(TextEncoder.pad(members), y);
        lossSum += loss;
        listener.onStep(epoch, ++step, batch.length, loss);
      }
      float[][] scores = Scoring.score(network, validationRows, VALIDATION_BATCH, labels.size());
      EvaluationReport report = Evaluator.evaluate(labels, scores, validationTruth, half);
      boolean best = report.meanRocAuc() > bestAuc;
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
    // Fine-tuning keeps the champion's linear model and calibration; training fits new ones.
    LinearModel linear = champion == null ? null : champion.linear();
    ScoreCalibration calibration = champion == null ? null : champion.info().calibration();
    LinearConfig linearSettings =
        champion == null ? linearConfig : champion.info().provenance().linear();
    List<List<String>> trainTokens = null;
    if (champion == null && linearConfig != null) {
      long started = System.nanoTime();
      LOG.info(
          "training the linear model (TF-IDF word 1-2-grams and char 2-5-grams, {} labels)",
          labels.size());
      trainTokens = linearTokens(tokenizer, vocabulary, train);
      linear = LinearTrainer.train(trainTokens, train.truth(), linearConfig);
      LOG.info(
          "linear model: {} features, trained in {} s",
          linear.features(),
          Math.round((System.nanoTime() - started) / 1e9));
    }
    if (linear != null) {
      List<List<String>> validationTokens = linearTokens(tokenizer, vocabulary, validation);
      double[][] linearLogits = new double[validation.size()][];
      for (int i = 0; i < linearLogits.length; i++) {
        linearLogits[i] = linear.logits(validationTokens.get(i));
      }
      if (calibration == null) {
        calibration = Blending.fit(scores, linearLogits, validationTruth);
        LOG.info(
            "blend: LSTM weight {}, linear weight {}; Platt slopes {} intercepts {}",
            calibration.networkWeight(),
            1 - calibration.networkWeight(),
            calibration.slopes(),
            calibration.intercepts());
        // The linear model needs no early stopping: refit it on every row, as the baseline it
        // competes with is; the blend and calibration stay those fitted on held-out outputs.
        long started = System.nanoTime();
        List<List<String>> all = new ArrayList<>(trainTokens);
        all.addAll(validationTokens);
        boolean[][] allTruth =
            Stream.of(train.truth(), validationTruth)
                .flatMap(Arrays::stream)
                .toArray(boolean[][]::new);
        linear = LinearTrainer.train(all, allTruth, linearConfig);
        LOG.info(
            "linear model refitted on all {} rows in {} s",
            all.size(),
            Math.round((System.nanoTime() - started) / 1e9));
      }
      for (int i = 0; i < scores.length; i++) {
        for (int j = 0; j < labels.size(); j++) {
          scores[i][j] = calibration.apply(j, scores[i][j], linearLogits[i][j]);
        }
      }
    }
    // Thresholds and the reported validation figures come from held-out outputs.
    double[] thresholds = Evaluator.bestF1Thresholds(scores, validationTruth);
    EvaluationReport finalReport = Evaluator.evaluate(labels, scores, validationTruth, thresholds);

    Map<String, Integer> rowCounts = new LinkedHashMap<>();
    rowCounts.put("total", train.size() + validation.size());
    rowCounts.put("train", train.size());
    rowCounts.put("validation", validation.size());
    int[] trainPositives = train.positives();
    int[] validationPositives = validation.positives();
    for (int j = 0; j < labels.size(); j++) {
      rowCounts.put("positives." + labels.get(j), trainPositives[j] + validationPositives[j]);
    }
    Map<String, Integer> epochs = new LinkedHashMap<>();
    epochs.put("kept", bestEpoch);
    epochs.put("ran", history.size());
    Provenance provenance =
        new Provenance(
            Instant.now().toString(),
            config,
            train.source().replace(" (train split)", ""),
            train.sha256(),
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
            linear == null ? null : calibration);
    return new TrainingResult(
        new ModelBundle(info, vocabulary, network, linear), finalReport, history);
  }

  /** The tokens the linear model reads, as {@link ModerationModel} produces them when serving. */
  private static List<List<String>> linearTokens(
      Tokenizer tokenizer, Vocabulary vocabulary, LabelledDataset data) {
    List<List<String>> docs = new ArrayList<>(data.size());
    for (LabelledComment row : data.rows()) {
      docs.add(
          tokenizer.tokenize(row.text(), ModerationModel.LINEAR_MAX_TOKENS).stream()
              .map(vocabulary::resolve)
              .toList());
    }
    return docs;
  }

  private static int[][] encodeAll(TextEncoder encoder, LabelledDataset data) {
    int[][] rows = new int[data.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = encoder.encode(data.rows().get(i).text());
    }
    return rows;
  }

  private static float[][] targets(LabelledDataset data) {
    float[][] y = new float[data.size()][data.labels().size()];
    for (int i = 0; i < y.length; i++) {
      LabelledComment row = data.rows().get(i);
      for (int j = 0; j < y[i].length; j++) {
        y[i][j] = row.label(j) ? 1f : 0f;
      }
    }
    return y;
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

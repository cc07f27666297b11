package io.modstream.trainer.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.data.Perturbations;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.training.BaselineModel;
import io.modstream.model.training.LinearConfig;
import io.modstream.model.training.ModelTrainer;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingListener;
import io.modstream.model.training.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * K-fold cross-validation of the served recipe (LSTM + linear blend, calibrated) against the TF-IDF
 * logistic-regression baseline on the same stratified folds: clean and perturbed held-out folds,
 * and zero-shot out-of-domain sets. Each fold's outputs are saved as {@code fold-N.json} under the
 * output directory, so an interrupted run resumes where it stopped.
 */
public final class CrossValidation {

  /** Bumped when a fold's saved outputs change, so folds saved before are not reused. */
  private static final int FOLD_FORMAT = 2;

  /** The fold of every row, written beside the results. */
  public static final String FOLDS_FILE = "folds.csv";

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The settings of a run.
   *
   * @param folds the number of folds
   * @param foldSeed the seed of the fold assignment
   * @param validationFraction the share of each fold's training rows the recipe holds out (early
   *     stopping, blend, calibration, thresholds)
   * @param training the LSTM settings
   * @param linear the recipe's linear-model settings (null: LSTM alone)
   * @param baseline the baseline's settings
   * @param perturbationSeed the seed of the disguise generator
   * @param parallel folds trained at once
   */
  public record Settings(
      int folds,
      long foldSeed,
      double validationFraction,
      TrainingConfig training,
      LinearConfig linear,
      BaselineModel.Config baseline,
      long perturbationSeed,
      int parallel) {}

  /**
   * One system's scores on one out-of-domain set.
   *
   * @param truth per label scored, the truth
   * @param model per label, the recipe's scores
   * @param baseline per label, the baseline's scores
   */
  public record DomainScores(
      Map<String, boolean[]> truth, Map<String, double[]> model, Map<String, double[]> baseline) {}

  /**
   * One fold's outputs.
   *
   * @param fold the fold number, from 1
   * @param trainRows rows the fold trained on
   * @param modelTrainSeconds the recipe's training time
   * @param baselineTrainSeconds the baseline's training time
   * @param networkWeight the LSTM's share of the blend the recipe chose
   * @param labels the labels
   * @param truth {@code [heldOut][labels]}
   * @param perturbed which held-out rows were disguised (the rows with any positive label)
   * @param model the recipe's scores on the clean held-out rows
   * @param modelPerturbed the recipe's scores with the disguised rows
   * @param network the recipe's network alone on the clean held-out rows
   * @param networkPerturbed the network alone with the disguised rows
   * @param baseline the baseline's scores on the clean rows
   * @param baselinePerturbed the baseline's scores with the disguised rows
   * @param crossDomain per out-of-domain set, the scores
   */
  public record FoldResult(
      int fold,
      int trainRows,
      double modelTrainSeconds,
      double baselineTrainSeconds,
      double networkWeight,
      List<String> labels,
      boolean[][] truth,
      boolean[] perturbed,
      float[][] model,
      float[][] modelPerturbed,
      float[][] network,
      float[][] networkPerturbed,
      float[][] baseline,
      float[][] baselinePerturbed,
      Map<String, DomainScores> crossDomain) {}

  private final Settings settings;
  private final List<CrossDomain> domains;
  private final PrintWriter log;

  /**
   * Creates a run.
   *
   * @param settings the settings
   * @param domains out-of-domain sets to score zero-shot (may be empty)
   * @param log where progress lines go
   */
  public CrossValidation(Settings settings, List<CrossDomain> domains, PrintWriter log) {
    this.settings = settings;
    this.domains = List.copyOf(domains);
    this.log = log;
  }

  /**
   * Runs every fold not already saved under {@code out} and returns all folds' results.
   *
   * @param data the labelled rows
   * @param out the output directory
   * @return the results, in fold order
   * @throws Exception if a fold fails
   */
  public List<FoldResult> run(LabelledDataset data, Path out) throws Exception {
    return run(data, out, Set.of());
  }

  /**
   * Runs the chosen folds not already saved under {@code out} and returns their results: a
   * screening run on some folds, resumable to all of them in the same directory.
   *
   * @param data the labelled rows
   * @param out the output directory
   * @param only the fold numbers (from 1) to run; empty for all
   * @return the results, in fold order
   * @throws Exception if a fold fails
   */
  public List<FoldResult> run(LabelledDataset data, Path out, Set<Integer> only) throws Exception {
    for (int fold : only) {
      if (fold < 1 || fold > settings.folds()) {
        throw new IllegalArgumentException(
            "fold " + fold + " does not exist; folds are numbered 1 to " + settings.folds());
      }
    }
    Files.createDirectories(out);
    checkSettings(data, out);
    List<LabelledDataset.Split> folds = data.stratifiedFolds(settings.folds(), settings.foldSeed());
    writeFolds(folds, out.resolve(FOLDS_FILE));
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.parallel()));
    try {
      List<Future<FoldResult>> futures = new ArrayList<>();
      for (int f = 0; f < folds.size(); f++) {
        int fold = f + 1;
        if (!only.isEmpty() && !only.contains(fold)) {
          continue;
        }
        LabelledDataset.Split split = folds.get(f);
        Path file = out.resolve("fold-" + fold + ".json");
        futures.add(
            pool.submit(
                () -> {
                  if (Files.isRegularFile(file)) {
                    log.printf(Locale.ROOT, "fold %d: reusing %s%n", fold, file);
                    return JSON.readValue(file.toFile(), FoldResult.class);
                  }
                  FoldResult result = runFold(fold, split);
                  Path tmp = out.resolve("fold-" + fold + ".json.tmp");
                  JSON.writeValue(tmp.toFile(), result);
                  Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                  return result;
                }));
      }
      List<FoldResult> results = new ArrayList<>();
      for (Future<FoldResult> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Trains and scores the baseline alone on every fold (minutes, where the recipe takes hours): per
   * fold, per label, its held-out ROC-AUC. Also writes the fold of every row to {@code folds.csv}
   * under {@code out}, for other tools to score the same folds.
   *
   * @param data the labelled rows
   * @param out the output directory
   * @return per fold, per label, the ROC-AUC
   * @throws Exception if a fold fails
   */
  public List<Map<String, Double>> runBaseline(LabelledDataset data, Path out) throws Exception {
    Files.createDirectories(out);
    List<LabelledDataset.Split> folds = data.stratifiedFolds(settings.folds(), settings.foldSeed());
    writeFolds(folds, out.resolve(FOLDS_FILE));
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.parallel()));
    try {
      List<Future<Map<String, Double>>> futures = new ArrayList<>();
      for (int f = 0; f < folds.size(); f++) {
        int fold = f + 1;
        LabelledDataset.Split split = folds.get(f);
        futures.add(
            pool.submit(
                () -> {
                  long started = System.nanoTime();
                  BaselineModel baseline = BaselineModel.train(split.train(), settings.baseline());
                  float[][] scores = baseline.score(split.validation().texts());
                  Map<String, Double> auc = new LinkedHashMap<>();
                  boolean[][] truth = split.validation().truth();
                  for (int j = 0; j < baseline.labels().size(); j++) {
                    boolean[] t = new boolean[truth.length];
                    for (int i = 0; i < t.length; i++) {
                      t[i] = truth[i][j];
                    }
                    auc.put(baseline.labels().get(j), Evaluator.rocAuc(column(scores, j), t));
                  }
                  log.printf(
                      Locale.ROOT,
                      "fold %d: baseline %d features, %.1f s, mean ROC-AUC %.4f%n",
                      fold,
                      baseline.features(),
                      (System.nanoTime() - started) / 1e9,
                      auc.values().stream().mapToDouble(Double::doubleValue).average().orElse(0));
                  return auc;
                }));
      }
      List<Map<String, Double>> results = new ArrayList<>();
      for (Future<Map<String, Double>> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code id,fold} for every row (folds from 1), so other tools can score the same folds. */
  private static void writeFolds(List<LabelledDataset.Split> folds, Path file) throws IOException {
    try (CSVPrinter csv =
        new CSVPrinter(
            Files.newBufferedWriter(file, StandardCharsets.UTF_8),
            CSVFormat.RFC4180.builder().setHeader("id", "fold").build())) {
      for (int f = 0; f < folds.size(); f++) {
        for (LabelledComment row : folds.get(f).validation().rows()) {
          csv.printRecord(row.id(), f + 1);
        }
      }
    }
  }

  /**
   * Records the run's settings beside its folds, and refuses to reuse folds computed with other
   * settings or data.
   */
  private void checkSettings(LabelledDataset data, Path out) throws IOException {
    var settingsJson = JSON.createObjectNode();
    settingsJson.set("settings", JSON.valueToTree(settings));
    settingsJson.put("foldFormat", FOLD_FORMAT);
    settingsJson.put("dataSha256", data.sha256());
    settingsJson.put("rows", data.size());
    var names = settingsJson.putArray("crossDomain");
    domains.forEach(d -> names.add(d.name() + " (" + d.texts().size() + " rows)"));
    // How many folds ran at once does not change the results.
    ((ObjectNode) settingsJson.get("settings")).remove("parallel");
    Path file = out.resolve("settings.json");
    boolean foldsKept;
    try (var entries = Files.list(out)) {
      foldsKept = entries.anyMatch(p -> p.getFileName().toString().matches("fold-\\d+\\.json"));
    }
    if (foldsKept && Files.isRegularFile(file)) {
      // Compared as read back from text, so 42 written as a long equals 42 read as an int.
      var current = JSON.readTree(JSON.writeValueAsString(settingsJson));
      if (!JSON.readTree(file.toFile()).equals(current)) {
        throw new IllegalArgumentException(
            out
                + " holds folds computed with other settings or data (see "
                + file
                + "); use a new --out directory or delete that one");
      }
    } else {
      JSON.writeValue(file.toFile(), settingsJson);
    }
  }

  private FoldResult runFold(int fold, LabelledDataset.Split split) throws Exception {
    LabelledDataset heldOut = split.validation();
    List<String> texts = heldOut.texts();
    boolean[][] truth = heldOut.truth();
    Perturbations perturbations = new Perturbations(settings.perturbationSeed());
    boolean[] perturbed = new boolean[texts.size()];
    List<Integer> perturbedRows = new ArrayList<>();
    List<String> perturbedTexts = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      for (boolean t : truth[i]) {
        perturbed[i] |= t;
      }
      if (perturbed[i]) {
        perturbedRows.add(i);
        perturbedTexts.add(perturbations.perturb(texts.get(i)));
      }
    }
    log.printf(
        Locale.ROOT,
        "fold %d: training the recipe on %d rows, %d held out (%d disguised)%n",
        fold,
        split.train().size(),
        texts.size(),
        perturbedRows.size());

    long started = System.nanoTime();
    LabelledDataset.Split inner =
        split.train().stratifiedSplit(settings.validationFraction(), settings.training().seed());
    TrainingResult trained =
        new ModelTrainer(settings.training(), new FoldLog(fold, log))
            .withLinear(settings.linear())
            .train(inner, "crossval", "fold-" + fold);
    double modelSeconds = (System.nanoTime() - started) / 1e9;
    ModerationModel model = ModerationModel.of(trained.bundle());
    float[][] modelScores = model.score(texts);
    float[][] modelPerturbed = withRows(modelScores, perturbedRows, model.score(perturbedTexts));
    ModerationModel network = ModerationModel.of(trained.bundle().networkOnly());
    float[][] networkScores = network.score(texts);
    float[][] networkPerturbed =
        withRows(networkScores, perturbedRows, network.score(perturbedTexts));
    double weight =
        trained.bundle().info().calibration() == null
            ? 1
            : trained.bundle().info().calibration().networkWeight();

    started = System.nanoTime();
    BaselineModel baseline = BaselineModel.train(split.train(), settings.baseline());
    double baselineSeconds = (System.nanoTime() - started) / 1e9;
    float[][] baselineScores = baseline.score(texts);
    float[][] baselinePerturbed =
        withRows(baselineScores, perturbedRows, baseline.score(perturbedTexts));

    Map<String, DomainScores> cross = new LinkedHashMap<>();
    for (CrossDomain d : domains) {
      float[][] m = model.score(d.texts());
      float[][] b = baseline.score(d.texts());
      Map<String, double[]> ms = new LinkedHashMap<>();
      Map<String, double[]> bs = new LinkedHashMap<>();
      for (String label : d.truths().keySet()) {
        int j = heldOut.labels().indexOf(label);
        ms.put(label, column(m, j));
        bs.put(label, column(b, j));
      }
      cross.put(d.name(), new DomainScores(d.truths(), ms, bs));
    }
    log.printf(
        Locale.ROOT,
        "fold %d: done (recipe %.1f min, baseline %.1f min)%n",
        fold,
        modelSeconds / 60,
        baselineSeconds / 60);
    return new FoldResult(
        fold,
        split.train().size(),
        modelSeconds,
        baselineSeconds,
        weight,
        heldOut.labels(),
        truth,
        perturbed,
        modelScores,
        modelPerturbed,
        networkScores,
        networkPerturbed,
        baselineScores,
        baselinePerturbed,
        cross);
  }

  private static float[][] withRows(float[][] base, List<Integer> rows, float[][] replacements) {
    float[][] out = base.clone();
    for (int k = 0; k < rows.size(); k++) {
      out[rows.get(k)] = replacements[k];
    }
    return out;
  }

  static double[] column(float[][] m, int j) {
    double[] c = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i][j];
    }
    return c;
  }

  /** Prints one line per epoch, prefixed with the fold. */
  private record FoldLog(int fold, PrintWriter log) implements TrainingListener {
    @Override
    public void onEpochEnd(EpochResult r) {
      log.printf(
          Locale.ROOT,
          "fold %d: epoch %d loss %.4f validation mean ROC-AUC %.4f (%.0f s)%s%n",
          fold,
          r.epoch(),
          r.meanLoss(),
          r.validation().meanRocAuc(),
          r.seconds(),
          r.best() ? " best" : "");
    }
  }
}

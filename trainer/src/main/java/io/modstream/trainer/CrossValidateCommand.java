package io.modstream.trainer;

import io.modstream.model.ModelRuntime;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.training.BaselineModel;
import io.modstream.trainer.quality.CrossDomain;
import io.modstream.trainer.quality.CrossValidation;
import io.modstream.trainer.quality.CrossValidationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer crossval}: the recipe against the TF-IDF baseline on the same folds. */
@Command(
    name = "crossval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Cross-validates the served recipe (LSTM + TF-IDF linear model, blended and calibrated)",
      "against the TF-IDF word 1-2-gram + char 2-5-gram logistic-regression baseline on the same",
      "stratified folds: per-label ROC-AUC clean and with disguised toxic rows, calibration (ECE,",
      "reliability diagrams), ROC/PR curves and zero-shot out-of-domain figures. Writes table.md,",
      "results.json, report.html and PNGs to --out; finished folds are kept and reused on rerun."
    })
final class CrossValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Labelled CSV file.")
  Path data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Report directory (fold results are cached here).")
  Path out;

  @Option(names = "--folds", description = "Number of stratified folds.")
  int folds = 5;

  @Option(names = "--fold-seed", description = "Seed of the fold assignment.")
  long foldSeed = 42;

  @Option(
      names = "--validation-fraction",
      description = "Share of each fold's training rows the recipe holds out.")
  double validationFraction = 0.2;

  @Option(names = "--parallel", description = "Folds trained at once (each uses one core).")
  int parallel = 1;

  @Option(names = "--perturbation-seed", description = "Seed of the disguise generator.")
  long perturbationSeed = 7;

  @Option(
      names = "--davidson",
      paramLabel = "FILE",
      description = "Davidson et al. labeled_data.csv, scored zero-shot.")
  Path davidson;

  @Option(
      names = "--olid",
      paramLabel = "FILE",
      description = "OLID olid-training-v1.0.tsv, scored zero-shot.")
  Path olid;

  @Option(
      names = "--cross-domain-rows",
      description = "Rows sampled from each out-of-domain set (0 = all).")
  int crossDomainRows = 2_000;

  @Option(names = "--baseline-c", description = "The baseline's inverse regularisation.")
  double baselineC = BaselineModel.Config.recipe().c();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Use only the first N rows (quick trials); 0 = all.")
  int limit;

  @Mixin TrainingOptions training;

  @Option(
      names = "--native-threads",
      description = "Native (OpenMP) threads, used when OMP_NUM_THREADS is unset.")
  int nativeThreads = 1;

  @Option(
      names = "--only-folds",
      split = ",",
      paramLabel = "N",
      description = {
        "Run only these folds (numbers from 1, comma-separated; screening): the same folds and",
        "seeds as a full run, which can later finish in the same --out. Default: all."
      })
  Set<Integer> onlyFolds = new TreeSet<>();

  @Option(
      names = "--baseline-only",
      description = {
        "Train and score only the baseline on each fold, and write baseline.json (per fold and",
        "label ROC-AUC) and folds.csv (id,fold) to --out: the input of",
        "ops/quality/sklearn-baseline, which scores scikit-learn's recipe on the same folds."
      })
  boolean baselineOnly;

  private String command() {
    return "trainer " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }

  @Override
  public Integer call() throws Exception {
    ModelRuntime.configureNativeThreads(nativeThreads);
    LabelledDataset dataset = LabelledCsv.read(data).first(limit);
    List<CrossDomain> domains = new ArrayList<>();
    if (davidson != null) {
      domains.add(CrossDomain.davidson(davidson, crossDomainRows));
    }
    if (olid != null) {
      domains.add(CrossDomain.olid(olid, crossDomainRows));
    }
    BaselineModel.Config baseline = BaselineModel.Config.recipe().withC(baselineC);
    CrossValidation.Settings settings =
        new CrossValidation.Settings(
            folds,
            foldSeed,
            validationFraction,
            training.config(),
            training.linear(),
            baseline,
            perturbationSeed,
            parallel);
    var err = spec.commandLine().getErr();
    err.printf(
        Locale.ROOT,
        "crossval: %s, %d rows, %d folds (seed %d), %d at once; out %s%n",
        data,
        dataset.size(),
        folds,
        foldSeed,
        parallel,
        out);
    long started = System.nanoTime();
    if (baselineOnly) {
      List<Map<String, Double>> auc =
          new CrossValidation(settings, domains, err).runBaseline(dataset, out);
      Path file = out.resolve("baseline.json");
      CrossValidationReport.writeBaseline(file, auc, command());
      spec.commandLine().getOut().printf(Locale.ROOT, "baseline ROC-AUC per fold: %s%n", file);
      return 0;
    }
    List<CrossValidation.FoldResult> results =
        new CrossValidation(settings, domains, err).run(dataset, out, onlyFolds);
    CrossValidationReport report = new CrossValidationReport(results);
    report.write(out, command());
    var stdout = spec.commandLine().getOut();
    stdout.print(Files.readString(out.resolve("table.md")));
    stdout.printf(
        Locale.ROOT,
        "%nreport: %s%nwall time: %.1f min%n",
        out.resolve("report.html"),
        (System.nanoTime() - started) / 60e9);
    return 0;
  }
}

package io.modstream.trainer;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.evaluation.SubgroupBias;
import io.modstream.trainer.quality.BundleReport;
import io.modstream.trainer.quality.CrossDomain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer evaluate}: scores a labelled CSV with a bundle and reports per-label figures. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Scores a labelled CSV with a model bundle and prints ROC-AUC, PR-AUC and F1 at the",
      "bundle's thresholds per label, and the means, and the unintended-bias figures on identity",
      "subgroups (docs/quality/bias.md). The CSV must have a column per model label.",
      "With --report DIR it also writes an HTML report with PNG charts."
    })
final class EvaluateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Model bundle directory.")
  Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Labelled CSV file (plain or gzip).")
  Path data;

  @Option(names = "--json", description = "Print one JSON object instead of the text report.")
  boolean json;

  @Option(names = "--batch-size", description = "Comments per network call.")
  int batchSize = ModerationModel.DEFAULT_MAX_BATCH;

  @Option(
      names = "--native-threads",
      description = "Native (OpenMP) threads, used when OMP_NUM_THREADS is unset.")
  int nativeThreads = 1;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "Also write report.html with PNG charts (ROC and PR curves, reliability diagram,"
              + " disguised rows, identity-subgroup bias, zero-shot sets) here.")
  Path report;

  @Option(
      names = "--davidson",
      paramLabel = "FILE",
      description = "With --report: Davidson et al. labeled_data.csv, scored zero-shot.")
  Path davidson;

  @Option(
      names = "--olid",
      paramLabel = "FILE",
      description = "With --report: OLID olid-training-v1.0.tsv, scored zero-shot.")
  Path olid;

  @Option(
      names = "--cross-domain-rows",
      description = "With --report: rows sampled from each zero-shot set (0 = all).")
  int crossDomainRows = 2_000;

  @Option(
      names = "--crossval",
      paramLabel = "DIR",
      description = "With --report: a trainer crossval output directory whose table to include.")
  Path crossval;

  @Mixin BiasOptions bias;

  @Option(
      names = "--perturbation-seed",
      description = "With --report: seed of the disguise generator.")
  long perturbationSeed = 7;

  @Override
  public Integer call() throws Exception {
    ModelRuntime.configureNativeThreads(nativeThreads);
    SubgroupBias biasSettings = bias.settings();
    ModelBundle bundle = ModelBundle.load(model);
    LabelledDataset dataset = LabelledCsv.read(data);
    List<String> labels = bundle.info().labels();
    int[] columns = new int[labels.size()];
    for (int j = 0; j < labels.size(); j++) {
      columns[j] = dataset.labels().indexOf(labels.get(j));
      if (columns[j] < 0) {
        throw new IllegalArgumentException(
            data
                + " has no column '"
                + labels.get(j)
                + "'; the model's labels are "
                + labels
                + " and the file's are "
                + dataset.labels());
      }
    }
    boolean[][] truth = new boolean[dataset.size()][labels.size()];
    for (int i = 0; i < truth.length; i++) {
      for (int j = 0; j < columns.length; j++) {
        truth[i][j] = dataset.rows().get(i).label(columns[j]);
      }
    }
    ModerationModel scorer = ModerationModel.of(bundle, 1, batchSize);
    float[][] scores = scorer.score(dataset.texts());
    double[] thresholds =
        bundle.info().thresholds().stream().mapToDouble(Double::doubleValue).toArray();
    EvaluationReport report = Evaluator.evaluate(labels, scores, truth, thresholds);
    BiasReport biasReport = Reports.bias(biasSettings, labels, dataset.texts(), scores, truth);
    if (this.report != null) {
      List<CrossDomain> domains = new ArrayList<>();
      if (davidson != null) {
        domains.add(CrossDomain.davidson(davidson, crossDomainRows));
      }
      if (olid != null) {
        domains.add(CrossDomain.olid(olid, crossDomainRows));
      }
      BundleReport.write(
          scorer,
          bundle.info().name() + " " + bundle.info().version() + " on " + data.getFileName(),
          dataset.texts(),
          truth,
          report,
          biasReport,
          domains,
          crossval == null ? null : crossval.resolve("table.md"),
          perturbationSeed,
          this.report);
      spec.commandLine().getErr().println("report: " + this.report.resolve("report.html"));
    }
    if (json) {
      spec.commandLine()
          .getOut()
          .println(
              Reports.JSON
                  .writer()
                  .without(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(
                      Reports.json(bundle.info(), data.toString(), report, biasReport)));
    } else {
      spec.commandLine()
          .getOut()
          .print(
              Reports.text(
                  "evaluation report", bundle.info(), data.toString(), report, biasReport));
    }
    return 0;
  }
}

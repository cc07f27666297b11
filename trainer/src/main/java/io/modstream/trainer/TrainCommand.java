package io.modstream.trainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.data.Partition;
import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.SubgroupBias;
import io.modstream.model.training.ModelTrainer;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingResult;
import io.modstream.trainer.quality.BiasFigures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer train}: CSV in, model bundle and evaluation report out. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Trains the BiLSTM and the TF-IDF linear model on a Jigsaw-format CSV (id,comment_text,",
      "<label>...; plain or gzip), split by comment-id hash into training, calibration and golden",
      "rows: keeps the epoch with the best calibration mean ROC-AUC, fits the blend, per-label",
      "calibration and thresholds on the calibration rows, reports on the golden rows (never",
      "fitted on), measures unintended bias on identity subgroups on golden and calibration rows,",
      "and writes a model bundle plus evaluation.txt and evaluation.json to --out."
    })
final class TrainCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

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
      description = "New directory for the bundle.")
  Path out;

  @Option(names = "--name", description = "Model name.")
  String name = "toxicity-bilstm";

  @Option(
      names = "--model-version",
      paramLabel = "VERSION",
      description = "Model version (default: UTC time, yyyyMMdd-HHmmss).")
  String version;

  @Mixin PartitionOptions partition;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Use only the first N rows (quick trials); 0 = all.")
  int limit;

  @Mixin TrainingOptions training;

  @Mixin BiasOptions bias;

  @Option(
      names = "--native-threads",
      description = "Native (OpenMP) threads, used when OMP_NUM_THREADS is unset.")
  int nativeThreads = 1;

  @Override
  public Integer call() throws Exception {
    TrainingConfig config = training.config();
    SubgroupBias biasSettings = bias.settings();
    if (version == null) {
      version =
          ZonedDateTime.now(ZoneOffset.UTC)
              .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    }
    if (Files.exists(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "--out " + out + " is not empty; choose a new directory");
        }
      }
    }
    ModelRuntime.configureNativeThreads(nativeThreads);
    long started = System.nanoTime();
    LabelledDataset dataset = LabelledCsv.read(data).first(limit);
    Partition.Sets sets = partition.partition().split(dataset);
    var err = spec.commandLine().getErr();
    err.printf(
        Locale.ROOT,
        "data: %s, %d rows, labels %s; split by id hash %d train / %d calibration / %d golden%n",
        data,
        dataset.size(),
        dataset.labels(),
        sets.train().size(),
        sets.calibration().size(),
        sets.golden().size());
    TrainingResult result;
    try (ConsoleProgress progress = new ConsoleProgress(System.err)) {
      result =
          new ModelTrainer(config, progress)
              .withLinear(training.linear())
              .withSources(
                  Map.of(
                      "base",
                      sets.train().size() + sets.calibration().size(),
                      "base.golden",
                      sets.golden().size()))
              .train(sets.forTraining(), name, version);
    }
    String digest = result.bundle().save(out);
    ModerationModel model = ModerationModel.of(result.bundle());
    Reports.Scored golden = Reports.evaluate(model, sets.golden(), biasSettings);
    // The held-out outputs the calibration report comes from: the bundle itself has fitted its
    // linear model on these rows, so its own scores would flatter it.
    BiasReport calibrationBias =
        result.calibrationScores() == null
            ? null
            : Reports.bias(
                biasSettings,
                sets.calibration().labels(),
                sets.calibration().texts(),
                result.calibrationScores(),
                sets.calibration().truth());
    String report =
        Reports.text(
                "golden report (" + sets.golden().size() + " rows by id hash, never fitted on)",
                result.bundle().info(),
                data.toString(),
                golden.report(),
                golden.bias())
            + "\n"
            + Reports.text(
                "calibration report (the rows the blend, calibration and thresholds were fitted"
                    + " on: optimistic)",
                result.bundle().info(),
                data.toString(),
                result.validation(),
                calibrationBias);
    Files.writeString(out.resolve("evaluation.txt"), report, StandardCharsets.UTF_8);
    ObjectNode json =
        Reports.json(result.bundle().info(), data.toString(), golden.report(), golden.bias());
    ObjectNode calibration = json.putObject("calibration");
    calibration.put("rows", result.validation().rows());
    calibration.put("meanRocAuc", result.validation().meanRocAuc());
    calibration.put("meanPrAuc", result.validation().meanPrAuc());
    if (calibrationBias != null) {
      calibration.set("bias", BiasFigures.json(calibrationBias));
    }
    Reports.JSON.writeValue(out.resolve("evaluation.json").toFile(), json);
    double minutes = (System.nanoTime() - started) / 60e9;
    var stdout = spec.commandLine().getOut();
    stdout.print(report);
    stdout.printf(
        Locale.ROOT,
        "%nbundle: %s (sha256 of manifest %s)%ntotal time: %.1f min%n",
        out,
        digest,
        minutes);
    LOG.debug("training finished in {} min", minutes);
    return 0;
  }
}

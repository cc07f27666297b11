package io.modstream.trainer;

import io.modstream.model.ModelRuntime;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.training.ModelTrainer;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
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
      "<label>...; plain or gzip), keeps the epoch with the best validation mean ROC-AUC, fits the",
      "blend and per-label calibration and tunes thresholds on the validation split, and writes a",
      "model bundle plus evaluation.txt and evaluation.json to --out."
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

  @Option(
      names = "--validation-fraction",
      description = "Share of rows held out for validation (stratified).")
  double validationFraction = 0.2;

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

  @Override
  public Integer call() throws Exception {
    TrainingConfig config = training.config();
    long seed = config.seed();
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
    LabelledDataset.Split split = dataset.stratifiedSplit(validationFraction, seed);
    var err = spec.commandLine().getErr();
    err.printf(
        Locale.ROOT,
        "data: %s, %d rows, labels %s; split %d train / %d validation (seed %d)%n",
        data,
        dataset.size(),
        dataset.labels(),
        split.train().size(),
        split.validation().size(),
        seed);
    TrainingResult result;
    try (ConsoleProgress progress = new ConsoleProgress(System.err)) {
      result =
          new ModelTrainer(config, progress)
              .withLinear(training.linear())
              .train(split, name, version);
    }
    String digest = result.bundle().save(out);
    String report =
        Reports.text(
            "validation report (held-out "
                + Math.round(validationFraction * 100)
                + "% stratified split)",
            result.bundle().info(),
            data.toString(),
            result.validation());
    Files.writeString(out.resolve("evaluation.txt"), report, StandardCharsets.UTF_8);
    Reports.JSON.writeValue(
        out.resolve("evaluation.json").toFile(),
        Reports.json(result.bundle().info(), data.toString(), result.validation()));
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

package io.modstream.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.Partition;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.evaluation.SubgroupBias;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingListener;
import io.modstream.trainer.experiment.DomainData;
import io.modstream.trainer.experiment.ExperimentReport;
import io.modstream.trainer.experiment.Verdicts;
import io.modstream.trainer.retrain.Canaries;
import io.modstream.trainer.retrain.FeedbackRows;
import io.modstream.trainer.retrain.Gate;
import io.modstream.trainer.retrain.ReleaseStore;
import io.modstream.trainer.retrain.Retrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trainer feedback-experiment}: does the retraining path learn a new domain from verdicts?
 * For each number of verdicts N, on fresh topics: release the champion, publish N verdicts from a
 * labelled file of another domain through the feedback topic, run the real {@link Retrainer}, and
 * score champion and candidate on in-domain rows never published (docs/feedback-experiment.md).
 */
@Command(
    name = "feedback-experiment",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Measures whether retraining learns a new domain from moderators' verdicts. Holds out an",
      "in-domain test set (stratified on toxic), then for each --sizes N, on fresh topics:"
          + " releases",
      "the champion, publishes N verdicts (partial: only the mapped labels) through the feedback",
      "topic, runs one retraining run and scores champion and candidate on the held-out rows.",
      "Writes results.json and results.md to --out. Needs a broker: ops/feedback-experiment starts",
      "one."
    })
final class FeedbackExperimentCommand implements Callable<Integer> {

  /** The retrain command's defaults, so that the experiment's runs gate as {@code retrain} does. */
  private static final RetrainOptions RETRAIN = new RetrainOptions();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--champion",
      required = true,
      paramLabel = "DIR",
      description = "The champion: a model bundle directory made by 'trainer train'.")
  Path champion;

  @Option(
      names = "--base-data",
      required = true,
      paramLabel = "FILE",
      description = "The champion's training CSV (its golden rows are the gate's base set).")
  Path baseData;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "The other domain's labelled file (OLID TSV or Davidson CSV).")
  Path data;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "olid|davidson",
      description =
          "Format of --data: olid (toxic = OFF, insult = TIN) or davidson (toxic = class 0 or 1,"
              + " identity_hate = class 0).")
  String format;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "N",
      defaultValue = "250,1000,2000,4000",
      description = "Numbers of verdicts, one independent run each.")
  List<Integer> sizes;

  @Option(names = "--reviewers", description = "Reviewers taking turns over the verdicts.")
  int reviewers = 10;

  @Option(
      names = "--holdout-fraction",
      description = "Share of --data held out (stratified on toxic) as the in-domain test set.")
  double holdoutFraction = 0.2;

  @Option(names = "--seed", description = "Seed of the hold-out, the verdict order and training.")
  long seed = TrainingConfig.defaults().seed();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Results directory (new or empty): results.json, results.md, one store per N.")
  Path out;

  @Option(names = "--mode", description = "FINE_TUNE or FULL, as 'trainer retrain --mode'.")
  Retrainer.Mode mode = RETRAIN.mode;

  @Option(
      names = "--feedback-weight",
      description = "How many base rows one verdict counts as in training.")
  double feedbackWeight = FeedbackRows.Guard.defaults().feedbackWeight();

  @Option(names = "--epochs", description = "Most epochs of each retraining run.")
  int epochs = RETRAIN.epochs;

  @Option(names = "--learning-rate", description = "Learning rate of each retraining run.")
  double learningRate = RETRAIN.learningRate;

  @Mixin PartitionOptions partition;

  @Option(
      names = "--mean-margin",
      description = "Gate: largest allowed drop of the base golden mean ROC-AUC.")
  double meanMargin = RETRAIN.meanMargin;

  @Option(
      names = "--label-margin",
      description = "Gate: largest allowed significant drop of one label's base golden ROC-AUC.")
  double labelMargin = RETRAIN.labelMargin;

  @Option(
      names = "--bias-margin",
      description =
          "Gate: largest allowed drop of the worst base golden identity-subgroup figure"
              + " (docs/quality/bias.md).")
  double biasMargin = RETRAIN.biasMargin;

  @Option(
      names = "--canaries",
      paramLabel = "FILE",
      description = "Canary CSV (text,expected_flags); default: the bundled set.")
  Path canaries;

  @Option(
      names = "--topic-prefix",
      description = "Start of the topic names; each run adds a unique part and its N.")
  String topicPrefix = "feedback-experiment";

  @Option(
      names = "--command-line",
      hidden = true,
      description = "The command line to record in results.md (ops/feedback-experiment's own).")
  String commandLine;

  /** The settings every run shares, checked before any run starts. */
  private record Plan(
      DomainData.Format format,
      ModelBundle champion,
      DomainData.Split split,
      TrainingConfig training,
      Partition partition,
      FeedbackRows.Guard guard,
      Gate gate,
      Canaries canaries,
      String runId) {}

  @Override
  public Integer call() throws Exception {
    ModelRuntime.configureNativeThreads(1);
    PrintWriter err = spec.commandLine().getErr();
    Plan plan = plan(err);
    List<String> labels = plan.format().labels();
    List<DomainData.Row> holdout = plan.split().holdout();
    List<String> texts = holdout.stream().map(DomainData.Row::text).toList();
    step(err, "scoring the %d held-out rows with the champion", holdout.size());
    float[][] championScores = ModerationModel.of(plan.champion()).score(texts);

    Files.createDirectories(out);
    Map<String, Object> connection = kafka.connection();
    ExperimentReport report = new ExperimentReport(header(plan));
    for (int n : sizes) {
      long started = System.nanoTime();
      String prefix = topicPrefix + "-" + plan.runId() + "-n" + n;
      String feedbackTopic = prefix + "-feedback";
      String releasesTopic = prefix + "-releases";
      Path store = out.resolve("n-" + n);
      Verdicts.createTopics(connection, feedbackTopic, releasesTopic);
      new ReleaseStore(store, connection, releasesTopic, null, null).release(champion, null);
      step(
          err,
          "[n=%d] topics %s, %s; released champion %s %s",
          n,
          feedbackTopic,
          releasesTopic,
          plan.champion().info().name(),
          plan.champion().info().version());
      Verdicts.publish(
          connection,
          feedbackTopic,
          Verdicts.of(plan.split().pool().subList(0, n), reviewers, Instant.now()));
      step(err, "[n=%d] published %d verdicts from %d reviewers", n, n, reviewers);

      step(err, "[n=%d] retraining (%s, %d epochs)", n, mode, plan.training().epochs());
      long retrainStarted = System.nanoTime();
      Retrainer.Decision decision =
          new Retrainer(settings(connection, plan, feedbackTopic, releasesTopic, store))
              .runOnce(listener(err, n));
      JsonNode record = JSON.readTree(decision.record());
      step(
          err,
          "[n=%d] retrained in %.1f s: %s; base golden mean ROC-AUC %.4f -> %.4f",
          n,
          (System.nanoTime() - retrainStarted) / 1e9,
          decision.released() ? "released" : "rejected " + decision.reasons(),
          record.at("/golden/base/champion_mean_roc_auc").asDouble(Double.NaN),
          record.at("/golden/base/candidate_mean_roc_auc").asDouble(Double.NaN));

      float[][] candidateScores = ModerationModel.of(decision.candidate()).score(texts);
      List<ExperimentReport.LabelAuc> auc = new ArrayList<>();
      for (String label : labels) {
        int j = plan.champion().info().labels().indexOf(label);
        boolean[] truth = new boolean[holdout.size()];
        for (int i = 0; i < truth.length; i++) {
          truth[i] = holdout.get(i).labels().get(label);
        }
        auc.add(
            new ExperimentReport.LabelAuc(
                label,
                Evaluator.rocAuc(column(championScores, j), truth),
                Evaluator.rocAuc(column(candidateScores, j), truth)));
      }
      ExperimentReport.Run run =
          new ExperimentReport.Run(
              n, feedbackTopic, holdout.size(), auc, record, (System.nanoTime() - started) / 1e9);
      report.add(run);
      report.write(out);
      for (ExperimentReport.LabelAuc a : auc) {
        step(
            err,
            "[n=%d] held-out %s ROC-AUC %.4f -> %.4f (%+.4f)",
            n,
            a.label(),
            a.champion(),
            a.candidate(),
            a.rise());
      }
    }
    spec.commandLine().getOut().print(report.markdown());
    spec.commandLine().getOut().flush();
    step(err, "results: %s, %s", out.resolve("results.md"), out.resolve("results.json"));
    return 0;
  }

  /** Checks every option and the inputs before anything is published. */
  private Plan plan(PrintWriter err) throws IOException {
    checkOptions();
    DomainData.Format parsed;
    FeedbackRows.Guard guard;
    Gate gate;
    Partition split;
    try {
      parsed = DomainData.Format.parse(format);
      FeedbackRows.Guard d = FeedbackRows.Guard.defaults();
      guard =
          d.with(feedbackWeight, d.maxReviewerShare(), d.maxSourceShare(), d.distrustedWeight());
      gate =
          new Gate(meanMargin, labelMargin, RETRAIN.gateConfidence, RETRAIN.gateResamples)
              .withBias(biasMargin, SubgroupBias.defaults());
      split = partition.partition();
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }

    ModelBundle bundle = ModelBundle.load(champion);
    List<String> missing =
        parsed.labels().stream().filter(l -> !bundle.info().labels().contains(l)).toList();
    if (!missing.isEmpty()) {
      throw invalid(
          "the champion's labels "
              + bundle.info().labels()
              + " lack "
              + missing
              + ", which --format "
              + parsed.id()
              + " judges");
    }
    DomainData rows = DomainData.read(data, parsed);
    DomainData.Split sets = rows.split(holdoutFraction, seed);
    int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    if (largest > sets.pool().size()) {
      throw invalid(
          "--sizes "
              + largest
              + " is more than the "
              + sets.pool().size()
              + " rows of --data left after holding out "
              + holdoutFraction
              + "; lower --sizes or --holdout-fraction");
    }
    for (String label : parsed.labels()) {
      long positives = sets.holdout().stream().filter(r -> r.labels().get(label)).count();
      if (positives == 0 || positives == sets.holdout().size()) {
        throw invalid(
            "the held-out rows have "
                + positives
                + " of "
                + sets.holdout().size()
                + " "
                + label
                + ", so its ROC-AUC is undefined; raise --holdout-fraction or use more --data");
      }
    }
    step(
        err,
        "%s: %d rows (%s); %d held out, %d available as verdicts; champion %s %s",
        data,
        rows.rows().size(),
        parsed.id(),
        sets.holdout().size(),
        sets.pool().size(),
        bundle.info().name(),
        bundle.info().version());
    TrainingConfig d = TrainingConfig.defaults();
    TrainingConfig training = d.withRun(epochs, Math.min(epochs, d.patience()), learningRate, seed);
    return new Plan(
        parsed,
        bundle,
        sets,
        training,
        split,
        guard,
        gate,
        Canaries.read(canaries),
        Long.toString(System.currentTimeMillis(), 36));
  }

  private void checkOptions() throws IOException {
    if (!Files.isRegularFile(champion.resolve(ModelBundle.MANIFEST_FILE))) {
      throw invalid(
          "--champion "
              + champion
              + " is not a model bundle (no "
              + ModelBundle.MANIFEST_FILE
              + "); pass a directory made by 'trainer train --out DIR'");
    }
    if (!Files.isRegularFile(baseData)) {
      throw invalid("--base-data " + baseData + " is not a file; check the path");
    }
    if (!Files.isRegularFile(data)) {
      throw invalid("--data " + data + " is not a file; check the path");
    }
    if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
      throw invalid("--holdout-fraction must be in (0, 1), got " + holdoutFraction);
    }
    if (reviewers < 1) {
      throw invalid("--reviewers must be at least 1, got " + reviewers);
    }
    if (epochs < 1) {
      throw invalid("--epochs must be at least 1, got " + epochs);
    }
    if (!(learningRate > 0)) {
      throw invalid("--learning-rate must be > 0, got " + learningRate);
    }
    if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 1)) {
      throw invalid("--sizes must list numbers of verdicts >= 1, e.g. 250,1000, got " + sizes);
    }
    if (sizes.stream().distinct().count() < sizes.size()) {
      throw invalid("--sizes lists a number twice (" + sizes + "); name each N once");
    }
    if (Files.isDirectory(out)) {
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw invalid(
              "--out "
                  + out
                  + " is not empty; name a new directory (each run starts from fresh stores)");
        }
      }
    } else if (Files.exists(out)) {
      throw invalid("--out " + out + " is a file; name a directory");
    }
  }

  /** As {@code RetrainOptions.settings()}, on this run's topics and store. */
  private Retrainer.Settings settings(
      Map<String, ?> connection,
      Plan plan,
      String feedbackTopic,
      String releasesTopic,
      Path store) {
    return new Retrainer.Settings(
        connection,
        feedbackTopic,
        releasesTopic,
        plan.champion().info().name(),
        baseData,
        store,
        store.resolve("decisions.jsonl"),
        mode,
        plan.training(),
        plan.partition(),
        plan.guard(),
        plan.gate(),
        plan.canaries(),
        null);
  }

  private ObjectNode header(Plan plan) {
    ObjectNode h = JsonNodeFactory.instance.objectNode();
    h.put(
        "command",
        commandLine != null
            ? commandLine
            : "trainer " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    DomainData.Format parsed = plan.format();
    ObjectNode d = h.putObject("data");
    d.put("file", data.toString());
    d.put("format", parsed.id());
    d.put(
        "mapping",
        parsed == DomainData.Format.OLID
            ? "toxic = subtask_a OFF; insult = subtask_b TIN; other labels not judged"
            : "toxic = class 0 or 1; identity_hate = class 0; other labels not judged");
    d.put("rows", plan.split().holdout().size() + plan.split().pool().size());
    d.put("holdout_rows", plan.split().holdout().size());
    for (String label : parsed.labels()) {
      d.put(
          "holdout_" + label,
          plan.split().holdout().stream().filter(r -> r.labels().get(label)).count());
    }
    ObjectNode c = h.putObject("champion");
    c.put("dir", champion.toString());
    c.put("version", plan.champion().info().name() + " " + plan.champion().info().version());
    c.put("base_data", baseData.toString());
    ObjectNode s = h.putObject("settings");
    s.put("mode", mode.name());
    s.put("epochs", plan.training().epochs());
    s.put("learning_rate", plan.training().learningRate());
    s.put("seed", seed);
    s.put("reviewers", reviewers);
    s.put("holdout_fraction", holdoutFraction);
    s.put("feedback_weight", plan.guard().feedbackWeight());
    s.put("calibration_fraction", plan.partition().calibrationFraction());
    s.put("golden_fraction", plan.partition().goldenFraction());
    s.put("mean_margin", plan.gate().meanMargin());
    s.put("label_margin", plan.gate().labelMargin());
    s.put("bias_margin", plan.gate().biasMargin());
    return h;
  }

  private static TrainingListener listener(PrintWriter err, int n) {
    return new TrainingListener() {
      @Override
      public void onStart(int epochs, int stepsPerEpoch, int trainRows, long parameters) {
        step(
            err,
            "[n=%d] training: %d network rows, %d steps per epoch",
            n,
            trainRows,
            stepsPerEpoch);
      }

      @Override
      public void onEpochEnd(EpochResult r) {
        step(
            err,
            "[n=%d] epoch %d: loss %.4f, calibration mean ROC-AUC %.4f, %.0f s",
            n,
            r.epoch(),
            r.meanLoss(),
            r.validation().meanRocAuc(),
            r.seconds());
      }
    };
  }

  private static double[] column(float[][] scores, int j) {
    double[] c = new double[scores.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = scores[i][j];
    }
    return c;
  }

  private static void step(PrintWriter err, String format, Object... args) {
    err.println("feedback-experiment: " + String.format(Locale.ROOT, format, args));
    err.flush();
  }

  private ParameterException invalid(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}

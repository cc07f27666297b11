package io.modstream.trainer.retrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.evaluation.LabelMetrics;
import io.modstream.model.training.ModelTrainer;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingListener;
import io.modstream.model.training.TrainingResult;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retraining run: reads all feedback, trains a candidate (fine-tuning the serving champion, or
 * a full retrain on base data plus feedback), evaluates both on the golden set (the base data's
 * held-out split plus a held-out slice of feedback, neither ever trained on), applies the {@link
 * Gate}, records the decision with both models' figures, and releases the candidate only if it
 * passes.
 */
public final class Retrainer {

  private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Provenance key: feedback records (distinct comments) a model's run considered. */
  public static final String FEEDBACK_TOTAL = "feedback.total";

  /** How a candidate is made. */
  public enum Mode {
    /**
     * Start from the champion's weights and vocabulary; feedback plus a replay sample of base rows.
     */
    FINE_TUNE,
    /** Train from scratch on all base training rows plus feedback, with a new vocabulary. */
    FULL
  }

  /**
   * Settings of a run.
   *
   * @param bootstrapServers the cluster
   * @param feedbackTopic the feedback topic
   * @param releasesTopic the releases topic
   * @param modelName the model to retrain
   * @param baseData the base training CSV (its held-out split is the golden base set)
   * @param store the release store
   * @param decisions the JSON-lines file every decision is appended to
   * @param mode fine-tune or full
   * @param training epochs, learning rate and other trainer settings for the candidate
   * @param goldenFraction the base data's held-out share (use the champion's validation fraction)
   * @param holdoutPercent percent of feedback comment ids held out for the golden set
   * @param maxPerReviewer most training rows from one reviewer
   * @param maxSourceShare largest share of feedback training rows from one source
   * @param gate the release gate
   * @param canaries canary comments the candidate must score as expected
   * @param bundleTopic topic to carry released bundles through (kafka: URIs), or null for file:
   *     URIs
   */
  public record Settings(
      String bootstrapServers,
      String feedbackTopic,
      String releasesTopic,
      String modelName,
      Path baseData,
      Path store,
      Path decisions,
      Mode mode,
      TrainingConfig training,
      double goldenFraction,
      int holdoutPercent,
      int maxPerReviewer,
      double maxSourceShare,
      Gate gate,
      Canaries canaries,
      String bundleTopic) {}

  /**
   * What a run decided.
   *
   * @param released whether the candidate was released
   * @param candidateVersion the candidate's version
   * @param championVersion the serving version it was compared with
   * @param reasons why it was rejected (empty when released)
   * @param record the full decision record as written to the decisions file
   */
  public record Decision(
      boolean released,
      String candidateVersion,
      String championVersion,
      List<String> reasons,
      String record) {}

  private final Settings settings;

  /**
   * Creates a retrainer.
   *
   * @param settings the settings
   */
  public Retrainer(Settings settings) {
    this.settings = settings;
  }

  /**
   * Runs once.
   *
   * @param listener training progress
   * @return the decision
   * @throws Exception if data, champion or cluster cannot be read
   */
  public Decision runOnce(TrainingListener listener) throws Exception {
    Settings s = settings;
    ModelRelease championRelease =
        ModelReleases.latest(s.bootstrapServers(), s.releasesTopic(), s.modelName());
    if (championRelease == null) {
      throw new IllegalStateException(
          "no release of '"
              + s.modelName()
              + "' on "
              + s.releasesTopic()
              + "; release a first model with 'trainer release'");
    }
    ModelBundle champion = store().load(championRelease);
    List<String> labels = champion.info().labels();
    LabelledDataset base = LabelledCsv.read(s.baseData());
    if (!base.labels().equals(labels)) {
      throw new IllegalStateException(
          s.baseData() + " has labels " + base.labels() + ", the champion " + labels);
    }
    LabelledDataset.Split baseSplit = base.stratifiedSplit(s.goldenFraction(), s.training().seed());
    Map<String, Feedback> feedback = FeedbackLog.readAll(s.bootstrapServers(), s.feedbackTopic());
    FeedbackRows rows =
        FeedbackRows.of(
            feedback, labels, s.holdoutPercent(), s.maxPerReviewer(), s.maxSourceShare());

    List<LabelledComment> trainRows = new ArrayList<>(rows.train());
    List<LabelledComment> baseTrain = baseSplit.train().rows();
    if (s.mode() == Mode.FULL) {
      trainRows.addAll(baseTrain);
    } else {
      // Replay base rows alongside the feedback so fine-tuning does not forget the base data.
      List<LabelledComment> replay = new ArrayList<>(baseTrain);
      Collections.shuffle(replay, new Random(s.training().seed()));
      trainRows.addAll(
          replay.subList(0, Math.min(replay.size(), Math.max(500, 3 * rows.train().size()))));
    }
    Map<String, Integer> sources = new LinkedHashMap<>(rows.counts());
    sources.put(FEEDBACK_TOTAL, feedback.size());
    sources.put("base", trainRows.size() - rows.train().size());
    LabelledDataset.Split split =
        new LabelledDataset(labels, trainRows, "base + feedback", base.sha256())
            .stratifiedSplit(0.1, s.training().seed());
    String version =
        ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))
            + (s.mode() == Mode.FULL ? "-full" : "-ft");
    ModelTrainer trainer = new ModelTrainer(s.training(), listener).withSources(sources);
    LOG.info(
        "retraining {} ({}): {} feedback rows for training, {} held out, {} base rows; champion {}",
        s.modelName(),
        s.mode(),
        rows.train().size(),
        rows.golden().size(),
        sources.get("base"),
        championRelease.getVersion());
    TrainingResult result =
        s.mode() == Mode.FULL
            ? trainer.train(split, s.modelName(), version)
            : trainer.fineTune(champion, split, s.modelName(), version);

    List<LabelledComment> goldenRows = new ArrayList<>(baseSplit.validation().rows());
    goldenRows.addAll(rows.golden());
    LabelledDataset golden = new LabelledDataset(labels, goldenRows, "golden", "");
    EvaluationReport championReport = evaluate(ModerationModel.of(champion), golden);
    ModerationModel candidateModel = ModerationModel.of(result.bundle());
    EvaluationReport candidateReport = evaluate(candidateModel, golden);
    List<String> reasons =
        s.gate().reasons(championReport, candidateReport, s.canaries().failures(candidateModel));

    boolean release = reasons.isEmpty();
    ObjectNode record = JSON.createObjectNode();
    record.put("decided_at", Instant.now().toString());
    record.put("model", s.modelName());
    record.put("mode", s.mode().name());
    record.put("released", release);
    record.putPOJO("reasons", reasons);
    record.set("champion", figures(championRelease.getVersion(), championReport));
    record.set("candidate", figures(version, candidateReport));
    record.put("golden_rows", golden.size());
    record.putPOJO("rows", sources);
    record.putPOJO(
        "gate",
        Map.of("mean_margin", s.gate().meanMargin(), "label_margin", s.gate().labelMargin()));
    if (release) {
      ModelRelease published = store().release(result.bundle(), championRelease.getVersion());
      record.put("bundle_uri", published.getBundleUri());
    }
    String line = JSON.writeValueAsString(record);
    Files.createDirectories(s.decisions().toAbsolutePath().getParent());
    Files.writeString(
        s.decisions(),
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    if (release) {
      LOG.info(
          "released {} {} (golden mean ROC-AUC {} vs champion {} {})",
          s.modelName(),
          version,
          fmt(candidateReport.meanRocAuc()),
          championRelease.getVersion(),
          fmt(championReport.meanRocAuc()));
    } else {
      LOG.warn("rejected candidate {} {}: {}", s.modelName(), version, reasons);
    }
    return new Decision(release, version, championRelease.getVersion(), reasons, line);
  }

  /**
   * Returns how many feedback records the serving champion's run considered (0 for a model trained
   * on base data only), so a restarted service counts only newer feedback as new.
   *
   * @return the count
   * @throws Exception if the champion cannot be read
   */
  public long championFeedback() throws Exception {
    ModelRelease release =
        ModelReleases.latest(
            settings.bootstrapServers(), settings.releasesTopic(), settings.modelName());
    if (release == null) {
      return 0;
    }
    Map<String, Integer> sources = store().load(release).info().provenance().sources();
    return sources == null ? 0 : sources.getOrDefault(FEEDBACK_TOTAL, 0);
  }

  private ReleaseStore store() {
    return new ReleaseStore(
        settings.store(),
        settings.bootstrapServers(),
        settings.releasesTopic(),
        settings.bundleTopic());
  }

  private static EvaluationReport evaluate(ModerationModel model, LabelledDataset data)
      throws InterruptedException {
    double[] thresholds =
        model.info().thresholds().stream().mapToDouble(Double::doubleValue).toArray();
    return Evaluator.evaluate(data.labels(), model.score(data.texts()), data.truth(), thresholds);
  }

  private static ObjectNode figures(String version, EvaluationReport report) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", version);
    n.put("mean_roc_auc", report.meanRocAuc());
    ObjectNode labels = n.putObject("roc_auc");
    for (LabelMetrics m : report.labels()) {
      labels.put(m.label(), m.rocAuc());
    }
    return n;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}

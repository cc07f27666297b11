package io.modstream.trainer.retrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.data.Partition;
import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.SubgroupBias;
import io.modstream.model.training.Example;
import io.modstream.model.training.ModelTrainer;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingListener;
import io.modstream.model.training.TrainingResult;
import io.modstream.model.training.TrainingSet;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.SigningKey;
import io.modstream.trainer.quality.BiasFigures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retraining run: reads all feedback, splits base data and feedback alike into training,
 * calibration and golden rows by comment-id hash ({@link Partition}), guards and weighs the
 * verdicts ({@link FeedbackRows}), trains a candidate (the network fine-tuned from the serving
 * champion or trained in full; the linear model refitted on base plus feedback; blend, calibration
 * and thresholds refitted on the calibration rows), compares both models on the golden rows with
 * bootstrap intervals ({@link Comparison}) and on identity subgroups of the base golden rows
 * ({@link SubgroupBias}), applies the {@link Gate}, records the decision and releases the candidate
 * only if it passes.
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
   * @param connection the cluster's connection settings ({@code bootstrap.servers}, security)
   * @param feedbackTopic the feedback topic
   * @param releasesTopic the releases topic
   * @param modelName the model to retrain
   * @param baseData the base training CSV (the champion's training data)
   * @param store the release store
   * @param decisions the JSON-lines file every decision is appended to
   * @param mode fine-tune or full
   * @param training epochs, learning rate and other trainer settings for the candidate
   * @param partition the training/calibration/golden split by comment id (the champion's)
   * @param guard feedback weight and the poisoning guard
   * @param gate the release gate
   * @param canaries canary comments the candidate must score as expected
   * @param bundleTopic topic to carry released bundles through (kafka: URIs), or null for file:
   *     URIs
   */
  public record Settings(
      Map<String, ?> connection,
      String feedbackTopic,
      String releasesTopic,
      String modelName,
      Path baseData,
      Path store,
      Path decisions,
      Mode mode,
      TrainingConfig training,
      Partition partition,
      FeedbackRows.Guard guard,
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
   * @param candidate the candidate bundle, released or not
   */
  public record Decision(
      boolean released,
      String candidateVersion,
      String championVersion,
      List<String> reasons,
      String record,
      ModelBundle candidate) {

    /** Copies. */
    public Decision {
      reasons = List.copyOf(reasons);
    }
  }

  private final Settings settings;
  private final SigningKey signingKey;

  /**
   * Creates a retrainer that publishes unsigned releases.
   *
   * @param settings the settings
   */
  public Retrainer(Settings settings) {
    this(settings, null);
  }

  /**
   * Creates a retrainer that signs the releases it publishes.
   *
   * @param settings the settings
   * @param signingKey the key that signs each release, or null for unsigned releases
   */
  public Retrainer(Settings settings, SigningKey signingKey) {
    this.settings = settings;
    this.signingKey = signingKey;
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
    long started = System.nanoTime();
    ModelRelease championRelease =
        ModelReleases.latest(s.connection(), s.releasesTopic(), s.modelName());
    if (championRelease == null) {
      throw new IllegalStateException(
          "no release of '"
              + s.modelName()
              + "' on "
              + s.releasesTopic()
              + "; release a first model with 'trainer release'");
    }
    ModelBundle champion = store().load(championRelease);
    ModerationModel championModel = ModerationModel.of(champion);
    List<String> labels = champion.info().labels();
    LabelledDataset base = LabelledCsv.read(s.baseData());
    if (!base.labels().equals(labels)) {
      throw new IllegalStateException(
          s.baseData() + " has labels " + base.labels() + ", the champion " + labels);
    }
    Partition.Sets baseSets = s.partition().split(base);
    Map<String, Feedback> feedback = FeedbackLog.readAll(s.connection(), s.feedbackTopic());
    Map<String, float[]> servingScores = scoresById(championModel, feedback.values());
    FeedbackRows rows = FeedbackRows.of(feedback, labels, s.partition(), s.guard(), servingScores);
    logDistrust(rows.distrusted());
    TrainingSet set = trainingSet(base, baseSets, rows);
    Map<String, Integer> sources = new LinkedHashMap<>(rows.counts());
    sources.put(FEEDBACK_TOTAL, feedback.size());
    sources.put("base", baseSets.train().size() + baseSets.calibration().size());
    sources.put("base.golden", baseSets.golden().size());
    String version =
        ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))
            + (s.mode() == Mode.FULL ? "-full" : "-ft");
    ModelTrainer trainer = new ModelTrainer(s.training(), listener).withSources(sources);
    LOG.info(
        "retraining {} ({}): verdicts {} training, {} calibration, {} golden; base {} training, {}"
            + " calibration, {} golden; champion {}",
        s.modelName(),
        s.mode(),
        rows.train().size(),
        rows.calibration().size(),
        rows.golden().size(),
        baseSets.train().size(),
        baseSets.calibration().size(),
        baseSets.golden().size(),
        championRelease.getVersion());
    TrainingResult result =
        s.mode() == Mode.FULL
            ? trainer.train(set, s.modelName(), version)
            : trainer.fineTune(champion, set, s.modelName(), version);
    ModerationModel candidateModel = ModerationModel.of(result.bundle());

    Measured m =
        measure(labels, championModel, candidateModel, complete(baseSets.golden()), rows.golden());
    List<String> canaryRegressions = s.canaries().regressions(candidateModel, championModel);
    List<String> knownCanaryFailures = new ArrayList<>(s.canaries().failures(candidateModel));
    knownCanaryFailures.removeAll(canaryRegressions);
    List<String> reasons =
        s.gate()
            .reasons(
                m.base(),
                m.feedback(),
                canaryRegressions,
                m.championBias(),
                m.candidateBias(),
                m.worstDifference());
    List<Correction> corrections =
        corrections(rows, labels, championModel, candidateModel, servingScores);

    boolean release = reasons.isEmpty();
    ObjectNode record = JSON.createObjectNode();
    record.put("decided_at", Instant.now().toString());
    record.put("model", s.modelName());
    record.put("mode", s.mode().name());
    record.put("released", release);
    record.putPOJO("reasons", reasons);
    record.set("champion", figures(championRelease.getVersion(), m.base(), true, m.championBias()));
    record.set("candidate", figures(version, m.base(), false, m.candidateBias()));
    record.set("golden", m.toJson());
    record.putPOJO("rows", sources);
    // Every verdict read (latest per comment), by who gave it: trainer serve's metrics.
    Map<String, Integer> bySource = new TreeMap<>();
    feedback.values().forEach(f -> bySource.merge(f.getSource().name(), 1, Integer::sum));
    record.putPOJO("feedback_by_source", bySource);
    record.putPOJO("distrusted_reviewers", rows.distrusted());
    record.putPOJO("canaries_failed_by_both", knownCanaryFailures);
    record.putPOJO("corrections", corrections);
    record.putPOJO(
        "gate",
        Map.of(
            "mean_margin", s.gate().meanMargin(),
            "label_margin", s.gate().labelMargin(),
            "confidence", s.gate().confidence(),
            "resamples", s.gate().resamples(),
            "bias_margin", s.gate().biasMargin(),
            "bias_label", s.gate().bias().label(),
            "bias_min_count", s.gate().bias().minPerClass()));
    if (release) {
      ModelRelease published = store().release(result.bundle(), championRelease.getVersion());
      record.put("bundle_uri", published.getBundleUri());
    }
    record.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
    String line = JSON.writeValueAsString(record);
    Files.createDirectories(s.decisions().toAbsolutePath().getParent());
    Files.writeString(
        s.decisions(),
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    m.log();
    for (Correction c : corrections) {
      LOG.info(
          "corrected ({}): \"{}\" {} judged {}: {} -> {}",
          c.heldOut() ? "held out" : "trained on",
          c.text(),
          c.label(),
          c.verdict() ? "yes" : "no",
          fmt(c.before()),
          fmt(c.after()));
    }
    if (release) {
      LOG.info(
          "released {} {} (champion {}) after {} s",
          s.modelName(),
          version,
          championRelease.getVersion(),
          record.get("seconds"));
    } else {
      LOG.warn("rejected candidate {} {}: {}", s.modelName(), version, reasons);
    }
    return new Decision(
        release, version, championRelease.getVersion(), reasons, line, result.bundle());
  }

  private void logDistrust(List<FeedbackRows.Distrust> distrusted) {
    for (FeedbackRows.Distrust d : distrusted) {
      LOG.warn(
          "distrusting reviewer {}: the serving model agrees with {} verdicts at {} on average,"
              + " with the other reviewers' at {} (z = {}); weight x{}",
          d.reviewer(),
          d.verdicts(),
          fmt(d.agreement()),
          fmt(d.othersAgreement()),
          String.format(Locale.ROOT, "%.1f", d.z()),
          settings.guard().distrustedWeight());
    }
  }

  /**
   * Base rows plus verdicts: a verdict on a base comment overrides that row's judged labels; a
   * fine-tuned network sees each verdict once against a replay sample of base rows.
   */
  private TrainingSet trainingSet(
      LabelledDataset base, Partition.Sets baseSets, FeedbackRows rows) {
    Map<String, Example> trainVerdicts = byId(rows.train());
    Map<String, Example> calibrationVerdicts = byId(rows.calibration());
    List<Example> train = new ArrayList<>();
    List<Example> verdictRows = new ArrayList<>();
    List<Example> replayPool = new ArrayList<>();
    for (LabelledComment row : baseSets.train().rows()) {
      Example verdict = trainVerdicts.remove(row.id());
      if (verdict == null) {
        Example plain = Example.complete(row);
        train.add(plain);
        replayPool.add(plain);
      } else {
        Example merged = override(row, verdict);
        train.add(merged);
        verdictRows.add(merged);
      }
    }
    train.addAll(trainVerdicts.values());
    verdictRows.addAll(trainVerdicts.values());
    List<Example> calibration = new ArrayList<>();
    for (LabelledComment row : baseSets.calibration().rows()) {
      Example verdict = calibrationVerdicts.remove(row.id());
      calibration.add(verdict == null ? Example.complete(row) : override(row, verdict));
    }
    calibration.addAll(calibrationVerdicts.values());

    List<Example> networkTrain = train;
    if (settings.mode() == Mode.FINE_TUNE) {
      // A replay sample twice the verdicts' size: the same balance the weights give the linear
      // model, at a fraction of the epoch time.
      networkTrain = new ArrayList<>();
      for (Example v : verdictRows) {
        networkTrain.add(
            new Example(v.comment(), v.judged(), v.weight() / settings.guard().feedbackWeight()));
      }
      List<Example> replay = new ArrayList<>(replayPool);
      Collections.shuffle(replay, new Random(settings.training().seed()));
      networkTrain.addAll(
          replay.subList(0, Math.min(replay.size(), Math.max(500, 2 * verdictRows.size()))));
    }
    return new TrainingSet(
        base.labels(),
        train,
        networkTrain,
        calibration,
        base.source() + " + feedback",
        base.sha256());
  }

  /**
   * A verdict the serving model got wrong, with its score before and after the run.
   *
   * @param commentId the comment
   * @param text its text, shortened
   * @param label the label
   * @param verdict the moderator's value
   * @param heldOut whether the verdict was held out (golden), not trained on
   * @param before the champion's score
   * @param after the candidate's score
   */
  public record Correction(
      String commentId,
      String text,
      String label,
      boolean verdict,
      boolean heldOut,
      double before,
      double after) {}

  private static final int CORRECTIONS_SHOWN = 5;

  private static List<Correction> corrections(
      FeedbackRows rows,
      List<String> labels,
      ModerationModel champion,
      ModerationModel candidate,
      Map<String, float[]> servingScores)
      throws InterruptedException {
    List<Example> wrong = new ArrayList<>();
    List<Integer> wrongLabel = new ArrayList<>();
    // Held-out verdicts first: they show what the run generalises, not what it memorised.
    List<Example> all = new ArrayList<>(rows.golden());
    all.addAll(rows.calibration());
    all.addAll(rows.train());
    Set<String> heldOut = new HashSet<>();
    rows.golden().forEach(e -> heldOut.add(e.comment().id()));
    for (Example e : all) {
      float[] before = servingScores.get(e.comment().id());
      if (e.weight() == 0 || before == null) {
        continue;
      }
      Set<String> flagged = new HashSet<>(champion.flagged(before));
      for (int j = 0; j < labels.size() && wrong.size() < CORRECTIONS_SHOWN; j++) {
        if (e.isJudged(j) && e.comment().label(j) != flagged.contains(labels.get(j))) {
          wrong.add(e);
          wrongLabel.add(j);
          break;
        }
      }
    }
    float[][] after = candidate.score(wrong.stream().map(e -> e.comment().text()).toList());
    List<Correction> out = new ArrayList<>();
    for (int k = 0; k < wrong.size(); k++) {
      Example e = wrong.get(k);
      int j = wrongLabel.get(k);
      String text = e.comment().text().replaceAll("\\s+", " ").strip();
      out.add(
          new Correction(
              e.comment().id(),
              text.length() > 80 ? text.substring(0, 77) + "..." : text,
              labels.get(j),
              e.comment().label(j),
              heldOut.contains(e.comment().id()),
              servingScores.get(e.comment().id())[j],
              after[k][j]));
    }
    return out;
  }

  /**
   * Both models' figures on the golden rows.
   *
   * @param base on the base golden rows
   * @param feedback on the held-out verdicts, or null when there are none
   * @param championBias the champion's identity-subgroup figures on the base golden rows, or null
   *     when the labels lack the bias label
   * @param candidateBias the candidate's
   * @param worstDifference the candidate's worst figure minus the champion's on the same subgroup
   *     and figure, with its bootstrap interval, or null when either has no worst figure
   */
  private record Measured(
      Comparison base,
      Comparison feedback,
      BiasReport championBias,
      BiasReport candidateBias,
      SubgroupBias.Difference worstDifference) {

    ObjectNode toJson() {
      ObjectNode golden = JSON.createObjectNode();
      ObjectNode baseFigures = base.toJson();
      golden.set("base", baseFigures);
      if (championBias != null) {
        ObjectNode bias = baseFigures.putObject("bias");
        bias.set("champion", BiasFigures.json(championBias));
        bias.set("candidate", BiasFigures.json(candidateBias));
        if (worstDifference != null) {
          bias.putObject("worst_difference")
              .put("value", worstDifference.value())
              .put("low", worstDifference.low())
              .put("high", worstDifference.high());
        }
      }
      if (feedback != null) {
        golden.set("feedback", feedback.toJson());
      }
      return golden;
    }

    void log() {
      LOG.info(
          "base golden mean ROC-AUC {} -> {} (difference {}); held-out feedback log-loss {}",
          fmt(base.championMeanAuc()),
          fmt(base.candidateMeanAuc()),
          Gate.format(base.meanAucDifference()),
          feedback == null
              ? "(none)"
              : fmt(feedback.championLogLoss())
                  + " -> "
                  + fmt(feedback.candidateLogLoss())
                  + " (gain "
                  + Gate.format(feedback.logLossGain())
                  + ")");
      if (championBias != null) {
        LOG.info(
            "base golden worst identity-subgroup figure ({}): {} -> {}",
            championBias.label(),
            worst(championBias),
            worst(candidateBias));
      }
    }
  }

  /** Scores the golden rows once per model for the comparisons and the subgroup figures. */
  private Measured measure(
      List<String> labels,
      ModerationModel champion,
      ModerationModel candidate,
      List<Example> baseGolden,
      List<Example> feedbackGolden)
      throws InterruptedException {
    List<String> texts = texts(baseGolden);
    float[][] championScores = champion.score(texts);
    float[][] candidateScores = candidate.score(texts);
    Comparison feedback =
        feedbackGolden.isEmpty()
            ? null
            : compare(
                "feedback golden",
                labels,
                champion.score(texts(feedbackGolden)),
                candidate.score(texts(feedbackGolden)),
                feedbackGolden);
    BiasReport championBias = bias(labels, texts, championScores, baseGolden);
    BiasReport candidateBias = bias(labels, texts, candidateScores, baseGolden);
    SubgroupBias.Difference worstDifference = null;
    if (championBias != null && candidateBias.worst().isPresent()) {
      BiasReport.Worst w = candidateBias.worst().get();
      worstDifference =
          settings
              .gate()
              .bias()
              .difference(
                  labels,
                  texts,
                  championScores,
                  candidateScores,
                  truth(baseGolden),
                  w.subgroup(),
                  w.metric(),
                  settings.gate().resamples(),
                  settings.gate().confidence(),
                  settings.training().seed());
    }
    return new Measured(
        compare("base golden", labels, championScores, candidateScores, baseGolden),
        feedback,
        championBias,
        candidateBias,
        worstDifference);
  }

  private Comparison compare(
      String name,
      List<String> labels,
      float[][] champion,
      float[][] candidate,
      List<Example> rows) {
    return Comparison.of(
        name,
        labels,
        champion,
        candidate,
        truth(rows),
        rows.stream().map(Example::judged).toArray(boolean[][]::new),
        settings.gate().resamples(),
        settings.gate().confidence(),
        settings.training().seed());
  }

  /** One model's subgroup figures on complete rows, or null when the labels lack the bias label. */
  private BiasReport bias(
      List<String> labels, List<String> texts, float[][] scores, List<Example> rows) {
    SubgroupBias bias = settings.gate().bias();
    return bias.appliesTo(labels) ? bias.evaluate(labels, texts, scores, truth(rows)) : null;
  }

  private static List<String> texts(List<Example> rows) {
    return rows.stream().map(e -> e.comment().text()).toList();
  }

  private static boolean[][] truth(List<Example> rows) {
    return rows.stream().map(e -> e.comment().labels()).toArray(boolean[][]::new);
  }

  private static List<Example> complete(LabelledDataset data) {
    return data.rows().stream().map(Example::complete).toList();
  }

  private static Map<String, Example> byId(List<Example> rows) {
    Map<String, Example> map = new LinkedHashMap<>();
    rows.forEach(e -> map.put(e.comment().id(), e));
    return map;
  }

  /** The base row with the verdict's judged labels, weighted as the verdict. */
  private static Example override(LabelledComment row, Example verdict) {
    boolean[] labels = row.labels();
    for (int j = 0; j < labels.length; j++) {
      if (verdict.isJudged(j)) {
        labels[j] = verdict.comment().label(j);
      }
    }
    boolean[] all = new boolean[labels.length];
    Arrays.fill(all, true);
    return new Example(
        new LabelledComment(row.id(), verdict.comment().text(), labels), all, verdict.weight());
  }

  private static Map<String, float[]> scoresById(
      ModerationModel model, Collection<Feedback> feedback) throws InterruptedException {
    List<Feedback> list = new ArrayList<>(feedback);
    float[][] scores = model.score(list.stream().map(Feedback::getText).toList());
    Map<String, float[]> map = new HashMap<>();
    for (int i = 0; i < scores.length; i++) {
      map.put(list.get(i).getCommentId(), scores[i]);
    }
    return map;
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
        ModelReleases.latest(settings.connection(), settings.releasesTopic(), settings.modelName());
    if (release == null) {
      return 0;
    }
    Map<String, Integer> sources = store().load(release).info().provenance().sources();
    return sources == null ? 0 : sources.getOrDefault(FEEDBACK_TOTAL, 0);
  }

  private ReleaseStore store() {
    return new ReleaseStore(
        settings.store(),
        settings.connection(),
        settings.releasesTopic(),
        settings.bundleTopic(),
        signingKey);
  }

  private static ObjectNode figures(
      String version, Comparison base, boolean champion, BiasReport bias) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", version);
    n.put("mean_roc_auc", champion ? base.championMeanAuc() : base.candidateMeanAuc());
    ObjectNode labels = n.putObject("roc_auc");
    for (Comparison.Label l : base.labels()) {
      labels.put(l.label(), champion ? l.champion() : l.candidate());
    }
    if (bias != null) {
      n.set("worst_bias", BiasFigures.json(bias).get("worst"));
    }
    return n;
  }

  private static String worst(BiasReport bias) {
    return bias.worst()
        .map(w -> w.subgroup() + " " + w.metric().title() + " " + fmt(w.value()))
        .orElse("none (too few comments in every subgroup)");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}

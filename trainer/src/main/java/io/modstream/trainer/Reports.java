package io.modstream.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.BundleInfo;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.evaluation.LabelMetrics;
import io.modstream.model.evaluation.SubgroupBias;
import io.modstream.trainer.quality.BiasFigures;
import java.util.List;
import java.util.Locale;

/** Renders evaluation reports as text and as JSON. */
final class Reports {

  /** The validation mean ROC-AUC a released model must reach. */
  static final double TARGET_MEAN_ROC_AUC = 0.95;

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  static String text(String title, BundleInfo model, String data, EvaluationReport report) {
    StringBuilder sb = new StringBuilder();
    sb.append(title).append('\n');
    sb.append("model: ").append(model.name()).append(' ').append(model.version()).append('\n');
    sb.append("data:  ").append(data).append(" (").append(report.rows()).append(" rows)\n\n");
    sb.append(report.toTable()).append('\n');
    boolean met = report.meanRocAuc() >= TARGET_MEAN_ROC_AUC;
    sb.append(
        String.format(
            Locale.ROOT,
            "mean ROC-AUC %.4f %s the %.2f target%n",
            report.meanRocAuc(),
            met ? "meets" : "is BELOW",
            TARGET_MEAN_ROC_AUC));
    sb.append(
        "thresholds: a score at or above a label's threshold flags it; F1, precision and recall are"
            + " at those thresholds\n");
    return sb.toString();
  }

  /**
   * A model's figures on one dataset: per label, and on identity subgroups (null: not measured).
   */
  record Scored(EvaluationReport report, BiasReport bias) {}

  /** Scores a dataset with a model at the model's own thresholds. */
  static Scored evaluate(ModerationModel model, LabelledDataset data, SubgroupBias bias)
      throws InterruptedException {
    double[] thresholds =
        model.info().thresholds().stream().mapToDouble(Double::doubleValue).toArray();
    float[][] scores = model.score(data.texts());
    return new Scored(
        Evaluator.evaluate(data.labels(), scores, data.truth(), thresholds),
        bias(bias, data.labels(), data.texts(), scores, data.truth()));
  }

  /** The subgroup figures, or null when the labels lack the bias label. */
  static BiasReport bias(
      SubgroupBias bias,
      List<String> labels,
      List<String> texts,
      float[][] scores,
      boolean[][] truth) {
    return bias.appliesTo(labels) ? bias.evaluate(labels, texts, scores, truth) : null;
  }

  /** The text report followed by the bias table, when there is one. */
  static String text(
      String title, BundleInfo model, String data, EvaluationReport report, BiasReport bias) {
    String text = text(title, model, data, report);
    if (bias == null) {
      return text;
    }
    return text
        + String.format(
            Locale.ROOT,
            "%nunintended bias on identity subgroups, label %s (a figure needs %d comments of each"
                + " class, else too few):%n%s",
            bias.label(),
            bias.minPerClass(),
            bias.toTable());
  }

  /** The JSON report with the bias figures under {@code bias}, when there are some. */
  static ObjectNode json(BundleInfo model, String data, EvaluationReport report, BiasReport bias) {
    ObjectNode root = json(model, data, report);
    if (bias != null) {
      root.set("bias", BiasFigures.json(bias));
    }
    return root;
  }

  static ObjectNode json(BundleInfo model, String data, EvaluationReport report) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode m = root.putObject("model");
    m.put("name", model.name());
    m.put("version", model.version());
    root.put("data", data);
    root.put("rows", report.rows());
    root.put("meanRocAuc", report.meanRocAuc());
    root.put("meanPrAuc", report.meanPrAuc());
    root.put("targetMeanRocAuc", TARGET_MEAN_ROC_AUC);
    root.put("meetsTarget", report.meanRocAuc() >= TARGET_MEAN_ROC_AUC);
    ObjectNode labels = root.putObject("labels");
    for (LabelMetrics lm : report.labels()) {
      ObjectNode l = labels.putObject(lm.label());
      l.put("rocAuc", lm.rocAuc());
      l.put("prAuc", lm.prAuc());
      l.put("positives", lm.positives());
      l.put("threshold", lm.threshold());
      l.put("precision", lm.precision());
      l.put("recall", lm.recall());
      l.put("f1", lm.f1());
    }
    return root;
  }
}

package io.modstream.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.BundleInfo;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.evaluation.LabelMetrics;
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

  /** Scores a dataset with a model at the model's own thresholds. */
  static EvaluationReport evaluate(ModerationModel model, LabelledDataset data)
      throws InterruptedException {
    double[] thresholds =
        model.info().thresholds().stream().mapToDouble(Double::doubleValue).toArray();
    return Evaluator.evaluate(data.labels(), model.score(data.texts()), data.truth(), thresholds);
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

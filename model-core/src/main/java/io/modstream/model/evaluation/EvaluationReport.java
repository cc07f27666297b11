package io.modstream.model.evaluation;

import java.util.List;
import java.util.Locale;

/**
 * Per-label and mean figures of a model on labelled data.
 *
 * @param labels one entry per label, in the model's label order
 * @param meanRocAuc the mean ROC-AUC over labels where it is defined
 * @param meanPrAuc the mean PR-AUC over labels where it is defined
 * @param rows the number of scored rows
 */
public record EvaluationReport(
    List<LabelMetrics> labels, double meanRocAuc, double meanPrAuc, int rows) {

  /** Copies. */
  public EvaluationReport {
    labels = List.copyOf(labels);
  }

  /**
   * Returns the figures of one label.
   *
   * @param label the label name
   * @return its metrics
   * @throws IllegalArgumentException if the report has no such label
   */
  public LabelMetrics label(String label) {
    for (LabelMetrics m : labels) {
      if (m.label().equals(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException("no label '" + label + "' in this report");
  }

  /**
   * Renders a fixed-width table, one line per label, then the mean.
   *
   * @return the table
   */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-15s %9s %8s %8s %9s %9s %7s %7s%n",
            "label",
            "positives",
            "ROC-AUC",
            "PR-AUC",
            "threshold",
            "precision",
            "recall",
            "F1"));
    for (LabelMetrics m : labels) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-15s %9d %8.4f %8.4f %9.3f %9.3f %7.3f %7.3f%n",
              m.label(),
              m.positives(),
              m.rocAuc(),
              m.prAuc(),
              m.threshold(),
              m.precision(),
              m.recall(),
              m.f1()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%-15s %9s %8.4f %8.4f   (%d rows)%n",
            "mean",
            "",
            meanRocAuc,
            meanPrAuc,
            rows));
    return sb.toString();
  }
}

package io.modstream.trainer.quality;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.SubgroupMetrics;
import java.util.Locale;

/**
 * A {@link BiasReport} as JSON (evaluation.json, the retraining decision record) and as a Markdown
 * table (report.html). The JSON keys are single words so that they read the same among the
 * camel-case keys of evaluation.json and the snake-case keys of a decision; a figure with too few
 * comments is null.
 */
public final class BiasFigures {

  private BiasFigures() {}

  /**
   * Renders the report as JSON.
   *
   * @param report the report
   * @return {@code label, minimum, rows, positives, overall, worst, means, score, subgroups}
   */
  public static ObjectNode json(BiasReport report) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("label", report.label());
    n.put("minimum", report.minPerClass());
    n.put("rows", report.rows());
    n.put("positives", report.positives());
    put(n, "overall", report.overallAuc());
    report
        .worst()
        .ifPresentOrElse(
            w -> {
              ObjectNode o = n.putObject("worst");
              o.put("subgroup", w.subgroup());
              o.put("metric", key(w.metric()));
              o.put("value", w.value());
            },
            () -> n.putNull("worst"));
    ObjectNode means = n.putObject("means");
    for (BiasReport.Metric m : BiasReport.Metric.values()) {
      put(means, key(m), report.powerMean(m));
    }
    put(n, "score", report.competitionScore());
    ObjectNode subgroups = n.putObject("subgroups");
    for (SubgroupMetrics s : report.subgroups()) {
      ObjectNode o = subgroups.putObject(s.subgroup());
      o.put("mentions", s.mentions());
      o.put("positives", s.positives());
      for (BiasReport.Metric m : BiasReport.Metric.values()) {
        put(o, key(m), s.value(m));
      }
    }
    return n;
  }

  /**
   * Renders the report as a Markdown table with a line before and after.
   *
   * @param report the report
   * @return the Markdown
   */
  public static String markdown(BiasReport report) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Unintended bias on identity subgroups (label %s, Borkan et al. 2019): a figure needs"
                + " at least %d comments of each class in its rows, else too few.%n%n",
            report.label(),
            report.minPerClass()));
    md.append("| subgroup | mentions | positives | subgroup AUC | BPSN AUC | BNSP AUC |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (SubgroupMetrics s : report.subgroups()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %s | %s | %s |%n",
              s.subgroup(),
              s.mentions(),
              s.positives(),
              BiasReport.format(s.subgroupAuc()),
              BiasReport.format(s.bpsnAuc()),
              BiasReport.format(s.bnspAuc())));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| power mean (p = %.0f) | | | %s | %s | %s |%n%n",
            BiasReport.POWER,
            BiasReport.format(report.powerMean(BiasReport.Metric.SUBGROUP_AUC)),
            BiasReport.format(report.powerMean(BiasReport.Metric.BPSN)),
            BiasReport.format(report.powerMean(BiasReport.Metric.BNSP))));
    md.append(
        report
            .worst()
            .map(
                w ->
                    String.format(
                        Locale.ROOT,
                        "Worst figure: %s %s %.4f (the figure the release gate compares).%n",
                        w.subgroup(),
                        w.metric().title(),
                        w.value()))
            .orElse("Worst figure: none, every subgroup has too few comments.\n"));
    return md.toString();
  }

  private static String key(BiasReport.Metric m) {
    return switch (m) {
      case SUBGROUP_AUC -> "subgroup";
      case BPSN -> "bpsn";
      case BNSP -> "bnsp";
    };
  }

  private static void put(ObjectNode n, String key, double value) {
    if (Double.isNaN(value)) {
      n.putNull(key);
    } else {
      n.put(key, value);
    }
  }
}

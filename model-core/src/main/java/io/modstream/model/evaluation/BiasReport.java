package io.modstream.model.evaluation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One model's unintended-bias figures for one label (Borkan et al. 2019, "Nuanced Metrics for
 * Measuring Unintended Bias with Real Data for Text Classification"): per identity subgroup the
 * subgroup, BPSN and BNSP AUCs, the worst of them, and their generalized means as in the Jigsaw
 * Unintended Bias in Toxicity Classification competition. {@link SubgroupBias} computes it.
 *
 * @param label the label the figures are for
 * @param minPerClass the fewest comments of each class a figure needs; below it the figure is NaN
 * @param rows the comments scored
 * @param positives of those, the ones with the label
 * @param overallAuc ROC-AUC on all rows
 * @param subgroups one entry per subgroup, in the term list's order
 */
public record BiasReport(
    String label,
    int minPerClass,
    int rows,
    int positives,
    double overallAuc,
    List<SubgroupMetrics> subgroups) {

  /** The generalized mean's power, the competition's: the lowest figures weigh the most. */
  public static final double POWER = -5;

  /** The three figures of a subgroup. */
  public enum Metric {
    /** ROC-AUC within the subgroup's mentions. */
    SUBGROUP_AUC("subgroup AUC"),
    /** Background positive, subgroup negative. */
    BPSN("BPSN AUC"),
    /** Background negative, subgroup positive. */
    BNSP("BNSP AUC");

    private final String title;

    Metric(String title) {
      this.title = title;
    }

    /**
     * Returns the name reports use.
     *
     * @return e.g. {@code BPSN AUC}
     */
    public String title() {
      return title;
    }
  }

  /**
   * The lowest figure over the subgroups with enough comments.
   *
   * @param subgroup its subgroup
   * @param metric which of the three
   * @param value the AUC
   */
  public record Worst(String subgroup, Metric metric, double value) {}

  /** Copies. */
  public BiasReport {
    subgroups = List.copyOf(subgroups);
  }

  /**
   * Returns the lowest of the three figures over all subgroups with enough comments.
   *
   * @return the worst, or empty when no subgroup has enough comments for any figure
   */
  public Optional<Worst> worst() {
    Worst worst = null;
    for (SubgroupMetrics s : subgroups) {
      for (Metric m : Metric.values()) {
        double v = s.value(m);
        if (!Double.isNaN(v) && (worst == null || v < worst.value())) {
          worst = new Worst(s.subgroup(), m, v);
        }
      }
    }
    return Optional.ofNullable(worst);
  }

  /**
   * Returns the generalized mean with power {@link #POWER} of one figure over the subgroups with
   * enough comments.
   *
   * @param metric which figure
   * @return the mean, NaN when no subgroup has enough comments
   */
  public double powerMean(Metric metric) {
    double sum = 0;
    int n = 0;
    for (SubgroupMetrics s : subgroups) {
      double v = s.value(metric);
      if (!Double.isNaN(v)) {
        sum += Math.pow(v, POWER);
        n++;
      }
    }
    return n == 0 ? Double.NaN : Math.pow(sum / n, 1 / POWER);
  }

  /**
   * Returns the competition's final score: a quarter each of the overall AUC and the three power
   * means.
   *
   * @return the score, NaN when a power mean is undefined
   */
  public double competitionScore() {
    double score = overallAuc / 4;
    for (Metric m : Metric.values()) {
      score += powerMean(m) / 4;
    }
    return score;
  }

  /**
   * Returns one subgroup's figures.
   *
   * @param name the subgroup
   * @return its figures
   * @throws IllegalArgumentException if the report has no such subgroup
   */
  public SubgroupMetrics subgroup(String name) {
    for (SubgroupMetrics s : subgroups) {
      if (s.subgroup().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no subgroup '" + name + "' in this report");
  }

  /**
   * Renders a fixed-width table, one line per subgroup, then the worst figure and the means.
   *
   * @return the table
   */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-15s %8s %9s %12s %8s %8s%n",
            "subgroup",
            "mentions",
            "positives",
            "subgroup AUC",
            "BPSN AUC",
            "BNSP AUC"));
    for (SubgroupMetrics s : subgroups) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-15s %8d %9d %12s %8s %8s%n",
              s.subgroup(),
              s.mentions(),
              s.positives(),
              format(s.subgroupAuc()),
              format(s.bpsnAuc()),
              format(s.bnspAuc())));
    }
    sb.append(
        worst()
            .map(
                w ->
                    String.format(
                        Locale.ROOT,
                        "worst: %s %s %.4f%n",
                        w.subgroup(),
                        w.metric().title(),
                        w.value()))
            .orElse("worst: none (every subgroup has too few comments)\n"));
    sb.append(
        String.format(
            Locale.ROOT,
            "power means (p = %.0f): subgroup AUC %s, BPSN AUC %s, BNSP AUC %s; overall AUC %s%n",
            POWER,
            format(powerMean(Metric.SUBGROUP_AUC)),
            format(powerMean(Metric.BPSN)),
            format(powerMean(Metric.BNSP)),
            format(overallAuc)));
    return sb.toString();
  }

  /**
   * Formats a figure with four decimals, or "too few" for NaN.
   *
   * @param auc the figure
   * @return the text
   */
  public static String format(double auc) {
    return Double.isNaN(auc) ? "too few" : String.format(Locale.ROOT, "%.4f", auc);
  }
}

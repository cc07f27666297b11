package io.modstream.model.evaluation;

/**
 * One identity subgroup's unintended-bias figures for one label (Borkan et al. 2019). Each AUC is
 * NaN when the rows it needs hold fewer comments of a class than {@link SubgroupBias#minPerClass()}
 * (reported as "too few"), so that a figure resting on a handful of comments neither counts as the
 * worst nor moves the gate.
 *
 * @param subgroup the subgroup name
 * @param mentions comments that mention it
 * @param positives of those, the ones with the label
 * @param subgroupAuc ROC-AUC on the comments that mention the subgroup
 * @param bpsnAuc ROC-AUC on its negatives plus the positives that do not mention it (low: its
 *     harmless mentions score like toxic comments)
 * @param bnspAuc ROC-AUC on its positives plus the negatives that do not mention it (low: toxic
 *     comments about it score like harmless ones)
 */
public record SubgroupMetrics(
    String subgroup,
    int mentions,
    int positives,
    double subgroupAuc,
    double bpsnAuc,
    double bnspAuc) {

  /**
   * Returns one of the three figures.
   *
   * @param metric which
   * @return the AUC, NaN when too few
   */
  public double value(BiasReport.Metric metric) {
    return switch (metric) {
      case SUBGROUP_AUC -> subgroupAuc;
      case BPSN -> bpsnAuc;
      case BNSP -> bnspAuc;
    };
  }
}

package io.modstream.model.evaluation;

/**
 * Validation figures for one label.
 *
 * @param label the label name
 * @param positives the number of positive rows
 * @param count the number of rows
 * @param rocAuc area under the ROC curve (NaN if the rows hold only one class)
 * @param prAuc area under the precision-recall curve, as average precision (NaN without positives)
 * @param threshold the decision threshold the figures below use
 * @param precision precision at the threshold
 * @param recall recall at the threshold
 * @param f1 F1 at the threshold
 */
public record LabelMetrics(
    String label,
    int positives,
    int count,
    double rocAuc,
    double prAuc,
    double threshold,
    double precision,
    double recall,
    double f1) {}

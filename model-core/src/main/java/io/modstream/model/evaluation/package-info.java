/**
 * How good a model is: {@link io.modstream.model.evaluation.Evaluator} computes per-label ROC-AUC,
 * PR-AUC and F1 at thresholds into an {@link io.modstream.model.evaluation.EvaluationReport};
 * {@link io.modstream.model.evaluation.Reliability} measures calibration.
 */
package io.modstream.model.evaluation;

/**
 * How good a model is: {@link io.modstream.model.evaluation.Evaluator} computes per-label ROC-AUC,
 * PR-AUC and F1 at thresholds into an {@link io.modstream.model.evaluation.EvaluationReport};
 * {@link io.modstream.model.evaluation.Reliability} measures calibration; {@link
 * io.modstream.model.evaluation.SubgroupBias} measures unintended bias on identity subgroups found
 * by {@link io.modstream.model.evaluation.IdentityTerms} into a {@link
 * io.modstream.model.evaluation.BiasReport}.
 */
package io.modstream.model.evaluation;

package io.modstream.model.training;

import io.modstream.model.ModelBundle;
import io.modstream.model.evaluation.EvaluationReport;
import java.util.List;

/**
 * What {@link ModelTrainer#train} produced.
 *
 * @param bundle the model, with the weights of the best epoch and thresholds tuned on validation
 * @param validation the bundle's figures on the validation split, at its thresholds
 * @param history every epoch's figures
 */
public record TrainingResult(
    ModelBundle bundle, EvaluationReport validation, List<TrainingListener.EpochResult> history) {

  /** Copies. */
  public TrainingResult {
    history = List.copyOf(history);
  }
}

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
 * @param calibrationScores {@code [calibration rows][labels]} the held-out outputs {@code
 *     validation} was computed from, rows in the training set's calibration order; null when not
 *     recorded. They differ from the bundle's own scores on these rows, since its linear model is
 *     then refitted on them.
 */
public record TrainingResult(
    ModelBundle bundle,
    EvaluationReport validation,
    List<TrainingListener.EpochResult> history,
    float[][] calibrationScores) {

  /** Copies. */
  public TrainingResult {
    history = List.copyOf(history);
  }

  /**
   * A result without the calibration outputs.
   *
   * @param bundle the model
   * @param validation its figures on the validation split
   * @param history every epoch's figures
   */
  public TrainingResult(
      ModelBundle bundle, EvaluationReport validation, List<TrainingListener.EpochResult> history) {
    this(bundle, validation, history, null);
  }
}

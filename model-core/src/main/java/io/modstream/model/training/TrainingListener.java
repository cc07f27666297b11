package io.modstream.model.training;

import io.modstream.model.evaluation.EvaluationReport;

/** Receives progress from {@link ModelTrainer}; every method defaults to doing nothing. */
public interface TrainingListener {

  /**
   * Called once before the first step.
   *
   * @param epochs the most epochs
   * @param stepsPerEpoch gradient steps per epoch
   * @param trainRows rows in the training split
   * @param parameters trainable parameters of the network
   */
  default void onStart(int epochs, int stepsPerEpoch, int trainRows, long parameters) {}

  /**
   * Called after each gradient step.
   *
   * @param epoch the epoch, from 1
   * @param step the step within the epoch, from 1
   * @param rows rows in this step's batch
   * @param loss this batch's loss
   */
  default void onStep(int epoch, int step, int rows, double loss) {}

  /**
   * Called after each epoch's validation.
   *
   * @param result the epoch's figures
   */
  default void onEpochEnd(EpochResult result) {}

  /**
   * One epoch's figures.
   *
   * @param epoch the epoch, from 1
   * @param meanLoss the mean training loss over the epoch
   * @param validation the validation figures (thresholds at 0.5; ROC-AUC does not depend on them)
   * @param seconds the epoch's wall time, validation included
   * @param best whether this epoch has the best validation mean ROC-AUC so far
   */
  record EpochResult(
      int epoch, double meanLoss, EvaluationReport validation, double seconds, boolean best) {}
}

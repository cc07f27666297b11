/**
 * Training: {@link io.modstream.model.training.ModelTrainer} fits the LSTM and the linear model,
 * calibrates their blend, tunes thresholds and returns a {@link
 * io.modstream.model.training.TrainingResult} with its bundle, configured by {@link
 * io.modstream.model.training.TrainingConfig}; {@link io.modstream.model.training.BaselineModel} is
 * the linear baseline that cross-validation compares against.
 */
package io.modstream.model.training;

package io.modstream.model;

import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.training.LinearConfig;
import io.modstream.model.training.TrainingConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Where a model came from: enough to reproduce it and to judge it.
 *
 * @param trainedAt ISO-8601 instant at which training finished
 * @param settings the trainer settings, seed included
 * @param dataSource the training data (a file path)
 * @param dataSha256 the SHA-256 of the training data file
 * @param rows row counts: total, train, validation, and positives per label
 * @param validation the figures on the validation split, at the bundle's thresholds
 * @param epochs the epoch whose weights were kept and how many ran
 * @param environment library versions, JVM, OS and architecture of the training run
 * @param linear the linear model's settings; null for format 1 bundles, which have none
 * @param sources training rows per origin (for example base data and each feedback source), or null
 *     when all rows came from the data file
 */
public record Provenance(
    String trainedAt,
    TrainingConfig settings,
    String dataSource,
    String dataSha256,
    Map<String, Integer> rows,
    EvaluationReport validation,
    Map<String, Integer> epochs,
    Map<String, String> environment,
    Map<String, Integer> sources,
    LinearConfig linear) {

  /** Copies the maps. */
  public Provenance {
    Objects.requireNonNull(settings, "settings");
    rows = Map.copyOf(rows);
    epochs = Map.copyOf(epochs);
    environment = Map.copyOf(environment);
    sources = sources == null ? null : Map.copyOf(sources);
  }
}

package io.modstream.trainer;

import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code verify-engine}: scores the bundle's validation split with the reference engine (DL4J, or
 * DL4J in double precision) and with another engine, and fails if any score differs by more than
 * the tolerance or any comment's flagged labels differ.
 */
@Command(
    name = "verify-engine",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description =
        "Checks that an inference engine gives the reference (DL4J) scores on the validation"
            + " split.")
final class VerifyEngineCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Model bundle directory.")
  Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "The labelled CSV the bundle was trained on.")
  Path data;

  @Option(names = "--engine", description = "The engine to check: onnx, onnx-cuda or dl4j.")
  String engine = InferenceEngine.ONNX.id();

  @Option(
      names = "--reference",
      description =
          "The engine it is checked against: dl4j, or dl4j-float64 "
              + "(the same network in double precision) to see each float engine's own rounding.")
  String referenceEngine = InferenceEngine.DL4J.id();

  @Option(
      names = "--validation-fraction",
      description = "As given to 'train' (the split's seed is the bundle's training seed).")
  double validationFraction = 0.2;

  @Option(
      names = "--all-rows",
      description = "Score every row of --data, not just the validation split.")
  boolean allRows;

  @Option(names = "--tolerance", description = "Largest score difference accepted.")
  double tolerance = 1e-5;

  @Option(names = "--batch-size", description = "Comments per network call.")
  int batchSize = ModerationModel.DEFAULT_MAX_BATCH;

  @Override
  public Integer call() throws Exception {
    ModelRuntime.configureNativeThreads(1);
    InferenceEngine candidate = InferenceEngine.of(engine);
    InferenceEngine referenceBy = InferenceEngine.of(referenceEngine);
    ModelBundle bundle = ModelBundle.load(model);
    LabelledDataset dataset = LabelledCsv.read(data);
    LabelledDataset rows =
        allRows
            ? dataset
            : dataset
                .stratifiedSplit(validationFraction, bundle.info().provenance().settings().seed())
                .validation();
    List<String> texts = rows.texts();
    long t0 = System.nanoTime();
    float[][] reference = ModerationModel.of(bundle, 1, batchSize, referenceBy).score(texts);
    long t1 = System.nanoTime();
    ModerationModel other = ModerationModel.of(bundle, 1, batchSize, candidate);
    float[][] scores = other.score(texts);
    long t2 = System.nanoTime();
    double max = 0;
    double sum = 0;
    int cells = 0;
    int verdicts = 0;
    for (int i = 0; i < texts.size(); i++) {
      for (int j = 0; j < reference[i].length; j++) {
        double d = Math.abs(reference[i][j] - scores[i][j]);
        max = Math.max(max, d);
        sum += d;
        cells++;
      }
      verdicts += other.flagged(reference[i]).equals(other.flagged(scores[i])) ? 0 : 1;
    }
    boolean ok = max <= tolerance && verdicts == 0;
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "%s %s, %s rows of %s: %d comments, %d scores%n",
        bundle.info().name(),
        bundle.info().version(),
        allRows ? "all" : "validation",
        data.getFileName(),
        texts.size(),
        cells);
    out.printf(
        Locale.ROOT,
        "%s (reference) %.1f s, %s %.1f s (one replica, batch %d, single-threaded)%n",
        referenceBy,
        (t1 - t0) / 1e9,
        candidate,
        (t2 - t1) / 1e9,
        batchSize);
    out.printf(
        Locale.ROOT,
        "largest |difference| %.3g, mean %.3g, comments with other flagged labels %d%n",
        max,
        sum / Math.max(1, cells),
        verdicts);
    out.printf(
        Locale.ROOT,
        "%s (tolerance %.0e)%n",
        ok ? "OK: the same scores" : "FAILED: scores differ",
        tolerance);
    return ok ? 0 : 1;
  }
}

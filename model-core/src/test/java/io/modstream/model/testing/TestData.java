package io.modstream.model.testing;

import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.data.LabelledDataset.Split;
import io.modstream.model.data.Partition;
import io.modstream.model.training.ModelTrainer;
import io.modstream.model.training.TrainingConfig;
import io.modstream.model.training.TrainingListener;
import io.modstream.model.training.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Shared test fixtures: the committed data sample and a tiny model trained on it. */
public final class TestData {

  /** The committed sample, relative to the repository root. */
  public static final String SAMPLE = "data/sample/jigsaw-sample.csv.gz";

  /** Small enough to train in seconds, large enough to learn something. */
  public static final TrainingConfig TINY =
      new TrainingConfig(16, 8, 8, 0.0, 48, 2, 3000, 32, 2, 2, 1e-2, 7L, null);

  private static TrainingResult tiny;

  private TestData() {}

  /**
   * Finds the committed sample from any module's working directory.
   *
   * @return the sample's path
   */
  public static Path samplePath() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SAMPLE);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(SAMPLE + " not found above " + Paths.get("").toAbsolutePath());
  }

  /**
   * Reads the first rows of the sample.
   *
   * @param rows how many rows
   * @return the dataset
   */
  public static LabelledDataset sample(int rows) {
    try {
      LabelledDataset all = LabelledCsv.read(samplePath());
      return new LabelledDataset(
          all.labels(),
          all.rows().subList(0, Math.min(rows, all.size())),
          all.source(),
          all.sha256());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns a tiny model trained once per JVM on 600 sample rows.
   *
   * @return the training result
   */
  public static synchronized TrainingResult tinyModel() {
    if (tiny == null) {
      tiny = trainTiny("t1", 7L);
    }
    return tiny;
  }

  /**
   * Trains another tiny model named "tiny" (not cached).
   *
   * @param version the version to record
   * @param seed the training seed
   * @return the training result
   */
  public static TrainingResult trainTiny(String version, long seed) {
    // The product's split: a fixture trained on golden rows would flatter itself in every gate.
    Split split = Partition.defaults().split(sample(600)).forTraining();
    TrainingConfig config = TINY.withRun(TINY.epochs(), TINY.patience(), TINY.learningRate(), seed);
    return new ModelTrainer(config, new TrainingListener() {}).train(split, "tiny", version);
  }
}

package io.modstream.jmh;

import io.modstream.model.ModelBundle;
import io.modstream.model.data.LabelledCsv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmarks score: a bundle ({@code -Dmodstream.bench.model}, default {@code models/v2})
 * and real comments ({@code -Dmodstream.bench.data}, default the shared Jigsaw rows, else the
 * committed sample), in file order so lengths follow the real distribution.
 *
 * <p>The benchmarks live in model-core's package to reach the bundle's network and linear model,
 * which are not public API.
 */
final class BenchInputs {

  static final int COMMENTS = 4096;

  private BenchInputs() {}

  static ModelBundle bundle() {
    Path dir = Path.of(System.getProperty("modstream.bench.model", "models/v2"));
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "no bundle at "
              + dir.toAbsolutePath()
              + "; pass -Dmodstream.bench.model=DIR (a bundle from 'ops/trainer train --out DIR')");
    }
    try {
      return ModelBundle.load(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> texts() {
    String configured = System.getProperty("modstream.bench.data");
    Path data =
        configured != null ? Path.of(configured) : Path.of("../shared/data/jigsaw/train.csv.gz");
    if (configured == null && !Files.exists(data)) {
      data = Path.of("data/sample/jigsaw-sample.csv.gz");
    }
    try {
      List<String> all = LabelledCsv.read(data).texts();
      List<String> texts = new ArrayList<>(COMMENTS);
      for (int i = 0; i < COMMENTS; i++) {
        texts.add(all.get(i % all.size()));
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

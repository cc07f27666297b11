package io.modstream.trainer.console;

import io.modstream.model.BundleInfo;
import io.modstream.model.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each model version's labels and thresholds, from its bundle in the release store (a stored
 * version never changes, so each is read once). Versions not in the store get {@link #DEFAULT}.
 */
final class Thresholds {

  /** The threshold shown when a version's bundle is not in the store. */
  static final double DEFAULT = 0.5;

  private final Path store;
  private final String modelName;
  private final Map<String, Map<String, Double>> byVersion = new ConcurrentHashMap<>();

  Thresholds(Path store, String modelName) {
    this.store = store;
    this.modelName = modelName;
  }

  /** A version's thresholds by label, in the model's label order; empty when unknown. */
  Map<String, Double> of(String version) {
    if (store == null || version == null) {
      return Map.of();
    }
    return byVersion.computeIfAbsent(version, this::load);
  }

  private Map<String, Double> load(String version) {
    Path dir = store.resolve(modelName).resolve(version);
    if (!Files.exists(dir.resolve(ModelBundle.MANIFEST_FILE))) {
      return Map.of();
    }
    try {
      BundleInfo info = ModelBundle.load(dir).info();
      Map<String, Double> out = new LinkedHashMap<>();
      List<String> labels = info.labels();
      for (int j = 0; j < labels.size(); j++) {
        out.put(labels.get(j), info.thresholds().get(j));
      }
      return out;
    } catch (IOException e) {
      return Map.of();
    }
  }
}

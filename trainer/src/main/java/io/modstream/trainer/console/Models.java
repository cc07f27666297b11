package io.modstream.trainer.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.model.BundleInfo;
import io.modstream.model.ModelBundle;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.trainer.retrain.ReleaseStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * The models page's figures (stored versions, the current release, the gate's decisions) and its
 * two actions, pin and roll back, which republish a stored version exactly as {@code trainer
 * releases pin|rollback} do.
 */
final class Models {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A stored version. */
  record Version(
      String version, String meanRocAuc, String trainedAt, boolean current, String parent) {}

  /** One of the gate's decisions with both models' figures. */
  record Decision(
      String decidedAt,
      boolean released,
      String champion,
      String candidate,
      String championAuc,
      String candidateAuc,
      String labels,
      String bias,
      String reasons) {}

  /** A chart of mean ROC-AUC over versions, as SVG coordinates. */
  record Chart(String points, List<Map<String, Object>> dots, boolean present) {}

  private final ConsoleSettings settings;
  private final Map<String, BundleInfo> infos = new ConcurrentHashMap<>();

  Models(ConsoleSettings settings) {
    this.settings = settings;
  }

  ModelRelease current() {
    return ModelReleases.latest(
        settings.connection(), settings.topics().releases(), settings.modelName());
  }

  List<Version> versions(ModelRelease current) throws IOException {
    Path dir = settings.store() == null ? null : settings.store().resolve(settings.modelName());
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> stored;
    try (Stream<Path> s = Files.list(dir)) {
      stored = s.filter(p -> Files.exists(p.resolve(ModelBundle.MANIFEST_FILE))).sorted().toList();
    }
    List<Version> out = new ArrayList<>();
    for (Path p : stored) {
      BundleInfo info = infos.get(String.valueOf(p.getFileName()));
      if (info == null) {
        info = ModelBundle.load(p).info();
        infos.put(info.version(), info);
      }
      boolean live = current != null && current.getVersion().equals(info.version());
      out.add(
          new Version(
              info.version(),
              fmt(info.provenance().validation().meanRocAuc()),
              String.valueOf(info.provenance().trainedAt()),
              live,
              live && current.getParentVersion() != null ? current.getParentVersion() : ""));
    }
    return out;
  }

  List<Decision> decisions() throws IOException {
    Path file = settings.decisions();
    if (file == null || !Files.exists(file)) {
      return List.of();
    }
    List<Decision> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode d = JSON.readTree(line);
      JsonNode champion = d.path("champion");
      JsonNode candidate = d.path("candidate");
      List<String> labels = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : candidate.path("roc_auc").properties()) {
        labels.add(
            e.getKey()
                + " "
                + fmt(champion.path("roc_auc").path(e.getKey()).asDouble(Double.NaN))
                + " \u2192 "
                + fmt(e.getValue().asDouble()));
      }
      List<String> reasons = new ArrayList<>();
      d.path("reasons").forEach(r -> reasons.add(r.asText()));
      out.add(
          new Decision(
              d.path("decided_at").asText(),
              d.path("released").asBoolean(),
              champion.path("version").asText(),
              candidate.path("version").asText(),
              fmt(champion.path("mean_roc_auc").asDouble(Double.NaN)),
              fmt(candidate.path("mean_roc_auc").asDouble(Double.NaN)),
              String.join("; ", labels),
              bias(champion.path("worst_bias"), candidate.path("worst_bias")),
              String.join("; ", reasons)));
    }
    return out;
  }

  private static String bias(JsonNode champion, JsonNode candidate) {
    if (candidate.isMissingNode() || candidate.isNull()) {
      return "";
    }
    return "worst: " + compact(champion) + " \u2192 " + compact(candidate);
  }

  private static String compact(JsonNode n) {
    if (!n.isObject()) {
      return n.asText();
    }
    List<String> parts = new ArrayList<>();
    n.properties()
        .forEach(
            e ->
                parts.add(
                    e.getValue().isNumber()
                        ? fmt(e.getValue().asDouble())
                        : e.getValue().asText()));
    return String.join(" ", parts);
  }

  /** Mean ROC-AUC of each decision's candidate, in decision order, on a 600 x 160 canvas. */
  static Chart chart(List<Decision> decisions) {
    List<double[]> values = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Decision d : decisions) {
      double v = parse(d.candidateAuc());
      if (!Double.isNaN(v)) {
        values.add(new double[] {v, d.released() ? 1 : 0});
        names.add(d.candidate());
      }
    }
    if (values.isEmpty()) {
      return new Chart("", List.of(), false);
    }
    double lo = values.stream().mapToDouble(v -> v[0]).min().orElse(0) - 0.005;
    double hi = values.stream().mapToDouble(v -> v[0]).max().orElse(1) + 0.005;
    StringBuilder points = new StringBuilder();
    List<Map<String, Object>> dots = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      double x = 30 + (values.size() == 1 ? 270 : i * 540.0 / (values.size() - 1));
      double y = 140 - (values.get(i)[0] - lo) / (hi - lo) * 120;
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      Map<String, Object> dot = new LinkedHashMap<>();
      dot.put("x", String.format(Locale.ROOT, "%.1f", x));
      dot.put("y", String.format(Locale.ROOT, "%.1f", y));
      dot.put("released", values.get(i)[1] > 0);
      dot.put("title", names.get(i) + " " + fmt(values.get(i)[0]));
      dots.add(dot);
    }
    return new Chart(points.toString().strip(), dots, true);
  }

  /**
   * Releases a stored version again; every running scorer swaps to it.
   *
   * @param version the version
   * @param current the current release (the new one's parent), or null
   * @return the new release
   */
  ModelRelease pin(String version, ModelRelease current)
      throws IOException, ExecutionException, InterruptedException {
    if (settings.store() == null) {
      throw new IllegalStateException("the console was started without --store; it cannot pin");
    }
    if (version == null || !version.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("choose a stored version to pin");
    }
    Path dir = settings.store().resolve(settings.modelName()).resolve(version);
    if (!Files.exists(dir.resolve(ModelBundle.MANIFEST_FILE))) {
      throw new IllegalArgumentException(
          "version " + version + " is not in the store; pick one from the list");
    }
    ReleaseStore store =
        new ReleaseStore(
            settings.store(), settings.connection(), settings.topics().releases(), null, null);
    return store.release(dir, current == null ? null : current.getVersion());
  }

  /**
   * Releases the current release's parent again.
   *
   * @param current the current release
   * @return the new release
   */
  ModelRelease rollback(ModelRelease current)
      throws IOException, ExecutionException, InterruptedException {
    if (current == null || current.getParentVersion() == null) {
      throw new IllegalStateException(
          "the current release has no parent version to roll back to; pin a version instead");
    }
    return pin(current.getParentVersion(), current);
  }

  private static double parse(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "\u2013" : String.format(Locale.ROOT, "%.4f", v);
  }
}

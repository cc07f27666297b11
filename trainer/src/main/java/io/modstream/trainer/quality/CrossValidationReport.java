package io.modstream.trainer.quality;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.evaluation.Reliability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarises cross-validation folds: per-label ROC-AUC of the recipe and the baseline, clean and
 * disguised, averaged over folds; calibration (ECE) and curves on the pooled out-of-fold scores;
 * zero-shot out-of-domain ROC-AUC. Writes {@code table.md}, {@code results.json}, {@code
 * report.html} and PNG charts.
 */
public final class CrossValidationReport {

  /** The systems' names in the JSON, in {@link #meanAuc} order. */
  private static final String[] SYSTEMS = {
    "model", "baseline", "modelDisguised", "baselineDisguised", "lstm", "lstmDisguised"
  };

  private final List<CrossValidation.FoldResult> folds;
  private final List<String> labels;

  /**
   * [system][label][fold]: systems model, baseline, model perturbed, baseline perturbed, network
   * alone, network alone perturbed.
   */
  private final double[][][] auc;

  /**
   * Writes the baseline's per-fold, per-label ROC-AUC with the command that produced it, in the
   * shape ops/quality/sklearn-baseline reads and writes.
   *
   * @param file the JSON file
   * @param auc per fold, per label, the ROC-AUC
   * @param command the command line
   * @throws IOException if the file cannot be written
   */
  public static void writeBaseline(Path file, List<Map<String, Double>> auc, String command)
      throws IOException {
    ObjectNode root = CrossValidation.JSON.createObjectNode();
    root.put("system", "BaselineModel (Java)");
    root.put("command", command);
    ArrayNode folds = root.putArray("folds");
    for (Map<String, Double> fold : auc) {
      ObjectNode f = folds.addObject();
      fold.forEach(f::put);
    }
    CrossValidation.JSON.writeValue(file.toFile(), root);
  }

  /**
   * Summarises folds.
   *
   * @param folds the folds' results (at least one)
   */
  public CrossValidationReport(List<CrossValidation.FoldResult> folds) {
    this.folds = List.copyOf(folds);
    this.labels = folds.get(0).labels();
    auc = new double[SYSTEMS.length][labels.size()][folds.size()];
    for (int f = 0; f < folds.size(); f++) {
      CrossValidation.FoldResult r = folds.get(f);
      float[][][] systems = {
        r.model(),
        r.baseline(),
        r.modelPerturbed(),
        r.baselinePerturbed(),
        r.network(),
        r.networkPerturbed()
      };
      for (int s = 0; s < SYSTEMS.length; s++) {
        for (int j = 0; j < labels.size(); j++) {
          auc[s][j][f] =
              Evaluator.rocAuc(CrossValidation.column(systems[s], j), truthColumn(r.truth(), j));
        }
      }
    }
  }

  /**
   * Returns a system's ROC-AUC for a label averaged over folds.
   *
   * @param system 0 recipe, 1 baseline, 2 recipe disguised, 3 baseline disguised, 4 the recipe's
   *     LSTM alone, 5 the LSTM alone disguised
   * @param label the label index, or -1 for the mean over labels
   * @return the mean
   */
  public double meanAuc(int system, int label) {
    double sum = 0;
    int n = 0;
    for (int j = 0; j < labels.size(); j++) {
      if (label < 0 || label == j) {
        for (double v : auc[system][j]) {
          sum += v;
          n++;
        }
      }
    }
    return sum / n;
  }

  /**
   * Returns the labels.
   *
   * @return the labels
   */
  public List<String> labels() {
    return labels;
  }

  /**
   * The Markdown table: per label and mean, the baseline, the recipe's LSTM alone and the recipe,
   * clean and disguised.
   */
  public String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| label | baseline | LSTM alone | model | model - baseline | LSTM - baseline |"
            + " baseline, disguised | LSTM, disguised | model, disguised | model drop |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (int j = 0; j < labels.size(); j++) {
      row(sb, labels.get(j), j);
    }
    row(sb, "**mean**", -1);
    return sb.toString();
  }

  private void row(StringBuilder sb, String name, int j) {
    double b = meanAuc(1, j);
    double n = meanAuc(4, j);
    double m = meanAuc(0, j);
    sb.append(
        String.format(
            Locale.ROOT,
            "| %s | %.4f | %.4f | %.4f | %+.4f | %+.4f | %.4f | %.4f | %.4f | %.4f |%n",
            name,
            b,
            n,
            m,
            m - b,
            n - b,
            meanAuc(3, j),
            meanAuc(5, j),
            meanAuc(2, j),
            m - meanAuc(2, j)));
  }

  /** Calibration per label on pooled out-of-fold scores: [0] recipe, [1] baseline. */
  Map<String, Reliability[]> reliability() {
    Map<String, Reliability[]> out = new LinkedHashMap<>();
    for (int j = 0; j < labels.size(); j++) {
      out.put(
          labels.get(j),
          new Reliability[] {
            Reliability.of(pooled(0, j), pooledTruth(j), Reliability.DEFAULT_BINS),
            Reliability.of(pooled(1, j), pooledTruth(j), Reliability.DEFAULT_BINS)
          });
    }
    return out;
  }

  private double[] pooled(int system, int j) {
    List<Double> v = new ArrayList<>();
    for (CrossValidation.FoldResult r : folds) {
      float[][] s =
          switch (system) {
            case 0 -> r.model();
            case 1 -> r.baseline();
            case 4 -> r.network();
            default -> throw new IllegalArgumentException("no pooled scores for " + system);
          };
      for (float[] row : s) {
        v.add((double) row[j]);
      }
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private boolean[] pooledTruth(int j) {
    int n = folds.stream().mapToInt(r -> r.truth().length).sum();
    boolean[] t = new boolean[n];
    int k = 0;
    for (CrossValidation.FoldResult r : folds) {
      for (boolean[] row : r.truth()) {
        t[k++] = row[j];
      }
    }
    return t;
  }

  /** Out-of-domain ROC-AUC averaged over folds: set -> label -> {recipe, baseline}. */
  Map<String, Map<String, double[]>> crossDomain() {
    Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
    for (CrossValidation.FoldResult r : folds) {
      r.crossDomain()
          .forEach(
              (set, scores) ->
                  scores
                      .truth()
                      .forEach(
                          (label, truth) -> {
                            double[] acc =
                                out.computeIfAbsent(set, k -> new LinkedHashMap<>())
                                    .computeIfAbsent(label, k -> new double[2]);
                            acc[0] +=
                                Evaluator.rocAuc(scores.model().get(label), truth) / folds.size();
                            acc[1] +=
                                Evaluator.rocAuc(scores.baseline().get(label), truth)
                                    / folds.size();
                          }));
    }
    return out;
  }

  /**
   * Writes the table, JSON, charts and HTML report.
   *
   * @param dir the output directory
   * @param command the command that produced the folds, for the record
   * @throws IOException on write failure
   */
  public void write(Path dir, String command) throws IOException {
    Files.createDirectories(dir);
    Map<String, Reliability[]> reliability = reliability();
    Map<String, Map<String, double[]>> cross = crossDomain();
    double modelMinutes =
        folds.stream()
                .mapToDouble(CrossValidation.FoldResult::modelTrainSeconds)
                .average()
                .orElse(0)
            / 60;
    double baselineMinutes =
        folds.stream()
                .mapToDouble(CrossValidation.FoldResult::baselineTrainSeconds)
                .average()
                .orElse(0)
            / 60;

    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "ROC-AUC, mean of %d stratified folds (held-out fold scored; disguised = every "
                + "held-out row with a positive label disguised by the perturbation suite)%n%n",
            folds.size()));
    md.append(table()).append('\n');
    md.append("| label | ECE model (calibrated) | ECE baseline (raw LR) |\n|---|---|---|\n");
    reliability.forEach(
        (label, r) ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %.4f | %.4f |%n",
                    label,
                    r[0].expectedCalibrationError(),
                    r[1].expectedCalibrationError())));
    if (!cross.isEmpty()) {
      md.append("\n| zero-shot set | label | model | baseline |\n|---|---|---|---|\n");
      cross.forEach(
          (set, byLabel) ->
              byLabel.forEach(
                  (label, v) ->
                      md.append(
                          String.format(
                              Locale.ROOT,
                              "| %s | %s | %.4f | %.4f |%n",
                              set,
                              label,
                              v[0],
                              v[1]))));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nMean training time per fold: model %.1f min, baseline %.1f min. "
                + "LSTM share of the blend per fold: %s.%n",
            modelMinutes,
            baselineMinutes,
            folds.stream()
                .map(r -> String.format(Locale.ROOT, "%.1f", r.networkWeight()))
                .toList()));
    md.append("\nCommand: `").append(command).append("`\n");
    Files.writeString(dir.resolve("table.md"), md, StandardCharsets.UTF_8);

    ObjectNode root = CrossValidation.JSON.createObjectNode();
    root.put("folds", folds.size());
    root.put("command", command);
    for (int s = 0; s < SYSTEMS.length; s++) {
      ObjectNode sys = root.putObject(SYSTEMS[s]);
      sys.put("meanRocAuc", meanAuc(s, -1));
      for (int j = 0; j < labels.size(); j++) {
        ObjectNode l = sys.putObject(labels.get(j));
        l.put("rocAuc", meanAuc(s, j));
        ArrayNode perFold = l.putArray("perFold");
        for (double v : auc[s][j]) {
          perFold.add(v);
        }
      }
    }
    ObjectNode ece = root.putObject("expectedCalibrationError");
    reliability.forEach(
        (label, r) -> {
          ObjectNode l = ece.putObject(label);
          l.put("model", r[0].expectedCalibrationError());
          l.put("baseline", r[1].expectedCalibrationError());
        });
    ObjectNode cd = root.putObject("crossDomain");
    cross.forEach(
        (set, byLabel) -> {
          ObjectNode s = cd.putObject(set);
          byLabel.forEach(
              (label, v) -> s.putObject(label).put("model", v[0]).put("baseline", v[1]));
        });
    ArrayNode shares = root.putArray("lstmShareOfBlendPerFold");
    folds.forEach(r -> shares.add(r.networkWeight()));
    root.put("modelTrainMinutesPerFold", modelMinutes);
    root.put("baselineTrainMinutesPerFold", baselineMinutes);
    CrossValidation.JSON.writeValue(dir.resolve("results.json").toFile(), root);

    List<String> images = new ArrayList<>();
    for (int j = 0; j < labels.size(); j++) {
      String label = labels.get(j);
      List<Charts.Curve> curves =
          List.of(
              new Charts.Curve("model", pooled(0, j), pooledTruth(j)),
              new Charts.Curve("LSTM alone", pooled(4, j), pooledTruth(j)),
              new Charts.Curve("baseline", pooled(1, j), pooledTruth(j)));
      Charts.roc("ROC, " + label + " (out-of-fold)", curves, dir.resolve("roc-" + label + ".png"));
      Charts.precisionRecall(
          "Precision-recall, " + label + " (out-of-fold)",
          curves,
          dir.resolve("pr-" + label + ".png"));
      images.add("roc-" + label + ".png");
      images.add("pr-" + label + ".png");
    }
    Map<String, Reliability> modelRel = new LinkedHashMap<>();
    Map<String, Reliability> baseRel = new LinkedHashMap<>();
    reliability.forEach(
        (label, r) -> {
          modelRel.put(label, r[0]);
          baseRel.put(label, r[1]);
        });
    Charts.reliability(
        "Reliability, model (calibrated)", modelRel, dir.resolve("reliability-model.png"));
    Charts.reliability(
        "Reliability, baseline (raw LR)", baseRel, dir.resolve("reliability-baseline.png"));

    Html html = new Html("modstream cross-validation report");
    html.paragraph("Command: " + command);
    html.markdownTables(md.toString());
    html.images(List.of("reliability-model.png", "reliability-baseline.png"));
    html.images(images);
    Files.writeString(dir.resolve("report.html"), html.toString(), StandardCharsets.UTF_8);
  }

  private static boolean[] truthColumn(boolean[][] truth, int j) {
    boolean[] c = new boolean[truth.length];
    for (int i = 0; i < truth.length; i++) {
      c[i] = truth[i][j];
    }
    return c;
  }
}

package io.modstream.trainer.quality;

import io.modstream.model.ModerationModel;
import io.modstream.model.data.Perturbations;
import io.modstream.model.evaluation.BiasReport;
import io.modstream.model.evaluation.EvaluationReport;
import io.modstream.model.evaluation.Evaluator;
import io.modstream.model.evaluation.Reliability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report of {@code trainer evaluate --report}: one bundle on one labelled set, with ROC
 * and precision-recall curves per label, the reliability diagram and ECE, ROC-AUC with the positive
 * rows disguised, the unintended-bias figures on identity subgroups, zero-shot out-of-domain
 * figures, and (when given) the cross-validated model-vs-baseline table.
 */
public final class BundleReport {

  private BundleReport() {}

  /**
   * Scores what the report needs and writes it.
   *
   * @param model the model
   * @param title what is evaluated, for the heading
   * @param texts the labelled texts
   * @param truth {@code [texts][model labels]}
   * @param report the clean evaluation (at the bundle's thresholds)
   * @param bias the identity-subgroup figures, or null when not measured
   * @param domains out-of-domain sets to score zero-shot
   * @param crossValidationTable a {@code trainer crossval} table.md to include, or null
   * @param perturbationSeed the disguise generator's seed
   * @param dir the output directory
   * @throws Exception on scoring or write failure
   */
  public static void write(
      ModerationModel model,
      String title,
      List<String> texts,
      boolean[][] truth,
      EvaluationReport report,
      BiasReport bias,
      List<CrossDomain> domains,
      Path crossValidationTable,
      long perturbationSeed,
      Path dir)
      throws Exception {
    Files.createDirectories(dir);
    List<String> labels = model.labels();
    float[][] clean = model.score(texts);
    Perturbations perturbations = new Perturbations(perturbationSeed);
    List<String> disguised = new ArrayList<>(texts.size());
    int disguisedRows = 0;
    for (int i = 0; i < texts.size(); i++) {
      boolean positive = false;
      for (boolean t : truth[i]) {
        positive |= t;
      }
      disguised.add(positive ? perturbations.perturb(texts.get(i)) : texts.get(i));
      disguisedRows += positive ? 1 : 0;
    }
    float[][] perturbed = model.score(disguised);

    Html html = new Html("modstream evaluation: " + title);
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "%d rows; %d rows with a positive label disguised for the second column.%n%n",
            texts.size(),
            disguisedRows));
    md.append(
        "| label | ROC-AUC | ROC-AUC, disguised | PR-AUC | threshold | precision | recall | F1 |"
            + " ECE |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    Map<String, Reliability> reliability = new LinkedHashMap<>();
    double meanClean = 0;
    double meanPerturbed = 0;
    List<String> images = new ArrayList<>();
    for (int j = 0; j < labels.size(); j++) {
      String label = labels.get(j);
      double[] s = CrossValidation.column(clean, j);
      boolean[] t = new boolean[truth.length];
      for (int i = 0; i < t.length; i++) {
        t[i] = truth[i][j];
      }
      Reliability r = Reliability.of(s, t, Reliability.DEFAULT_BINS);
      reliability.put(label, r);
      double p = Evaluator.rocAuc(CrossValidation.column(perturbed, j), t);
      var m = report.labels().get(j);
      meanClean += m.rocAuc() / labels.size();
      meanPerturbed += p / labels.size();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.4f | %.4f | %.3f | %.3f | %.3f | %.3f | %.4f |%n",
              label,
              m.rocAuc(),
              p,
              m.prAuc(),
              m.threshold(),
              m.precision(),
              m.recall(),
              m.f1(),
              r.expectedCalibrationError()));
      List<Charts.Curve> curves =
          List.of(
              new Charts.Curve("clean", s, t),
              new Charts.Curve("disguised", CrossValidation.column(perturbed, j), t));
      Charts.roc("ROC, " + label, curves, dir.resolve("roc-" + label + ".png"));
      Charts.precisionRecall(
          "Precision-recall, " + label, curves, dir.resolve("pr-" + label + ".png"));
      images.add("roc-" + label + ".png");
      images.add("pr-" + label + ".png");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| mean | %.4f | %.4f | %.4f | | | | | |%n",
            meanClean,
            meanPerturbed,
            report.meanPrAuc()));
    Charts.reliability("Reliability (" + title + ")", reliability, dir.resolve("reliability.png"));
    if (bias != null) {
      md.append('\n').append(BiasFigures.markdown(bias));
    }

    if (!domains.isEmpty()) {
      md.append("\n| zero-shot set | label | rows | ROC-AUC |\n|---|---|---|---|\n");
      for (CrossDomain d : domains) {
        float[][] scores = model.score(d.texts());
        for (Map.Entry<String, boolean[]> e : d.truths().entrySet()) {
          int j = labels.indexOf(e.getKey());
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %d | %.4f |%n",
                  d.name(),
                  e.getKey(),
                  d.texts().size(),
                  Evaluator.rocAuc(CrossValidation.column(scores, j), e.getValue())));
        }
      }
    }
    Files.writeString(dir.resolve("evaluation.md"), md, StandardCharsets.UTF_8);
    html.markdownTables(md.toString());
    if (crossValidationTable != null) {
      html.heading("Cross-validation: model vs TF-IDF baseline (" + crossValidationTable + ")");
      html.markdownTables(Files.readString(crossValidationTable));
    }
    html.images(List.of("reliability.png"));
    html.images(images);
    Files.writeString(dir.resolve("report.html"), html.toString(), StandardCharsets.UTF_8);
  }
}

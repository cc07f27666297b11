package io.modstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.data.LabelledComment;
import io.modstream.model.data.LabelledCsv;
import io.modstream.model.data.LabelledDataset;
import io.modstream.model.data.Partition;
import io.modstream.model.testing.TestData;
import io.modstream.model.text.Tokenizer;
import io.modstream.model.training.Example;
import io.modstream.model.training.ModelTrainer;
import io.modstream.model.training.TrainingListener;
import io.modstream.model.training.TrainingSet;
import io.modstream.trainer.quality.CrossValidation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the trainer's commands in-process, as a user would from the shell. */
class TrainerCliTest {

  @TempDir static Path dir;
  static Path model;
  static Run trained;

  record Run(int exitCode, String out, String err) {}

  /** The tiny model's training command. */
  static String[] tinyTrain(Path data, Path out) {
    return new String[] {
      "train",
      "--data",
      data.toString(),
      "--out",
      out.toString(),
      "--limit",
      "500",
      "--epochs",
      "2",
      "--embedding-dim",
      "16",
      "--lstm-units",
      "8",
      "--dense-units",
      "8",
      "--max-length",
      "48",
      "--vocab-max-size",
      "3000",
      "--learning-rate",
      "0.01",
      "--batch-size",
      "32",
      "--model-version",
      "cli-test"
    };
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TrainerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void trainATinyModel() {
    model = dir.resolve("model");
    trained = run(tinyTrain(TestData.samplePath(), model));
  }

  @Test
  void trainWritesABundleAndItsReports() throws Exception {
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    assertThat(trained.out())
        .contains("golden report")
        .contains("calibration report")
        .contains("threat")
        .contains("mean ROC-AUC");
    assertThat(trained.err())
        .containsPattern("split by id hash \\d+ train / \\d+ calibration / \\d+ golden");
    ModelBundle bundle = ModelBundle.load(model);
    assertThat(bundle.info().version()).isEqualTo("cli-test");
    int golden = bundle.info().provenance().sources().get("base.golden");
    assertThat(bundle.info().provenance().rows().get("total") + golden).isEqualTo(500);
    JsonNode report = new ObjectMapper().readTree(model.resolve("evaluation.json").toFile());
    // The golden rows: about 10% of 500 by id hash.
    assertThat(report.get("rows").asInt()).isEqualTo(golden).isBetween(30, 75);
    assertThat(Files.readString(model.resolve("evaluation.txt"), StandardCharsets.UTF_8))
        .contains("identity_hate")
        .contains("unintended bias on identity subgroups, label toxic")
        .contains("too few");
    // A few dozen golden rows hold too few comments of any subgroup for a figure.
    assertThat(report.at("/bias/label").asText()).isEqualTo("toxic");
    assertThat(report.at("/bias/subgroups/gay/mentions").isInt()).isTrue();
    assertThat(report.at("/bias/subgroups/gay/bpsn").isNull()).isTrue();
    assertThat(report.at("/bias/worst").isNull()).isTrue();
    assertThat(report.at("/calibration/bias/subgroups/muslim/positives").isInt()).isTrue();
    assertThat(report.at("/calibration/bias/rows").asInt())
        .isEqualTo(report.at("/calibration/rows").asInt())
        .isPositive();
  }

  @Test
  void minilmEmbeddingsTrainABundleThatScoresOnItsOwnWordPieces() throws Exception {
    Path out = dir.resolve("minilm");
    Run r =
        run(
            "train",
            "--data",
            TestData.samplePath().toString(),
            "--out",
            out.toString(),
            "--limit",
            "300",
            "--epochs",
            "1",
            "--embeddings",
            "MINILM",
            "--lstm-units",
            "4",
            "--dense-units",
            "4",
            "--max-length",
            "32",
            "--vocab-min-frequency",
            "1",
            "--no-linear");
    assertThat(r.exitCode()).as(r.err()).isZero();
    ModelBundle bundle = ModelBundle.load(out);
    assertThat(bundle.info().tokenizerScheme()).isEqualTo(Tokenizer.WORDPIECE_SCHEME);
    assertThat(bundle.info().provenance().settings().embeddingDim()).isEqualTo(384);
    assertThat(bundle.vocabulary().contains("##s")).isTrue();
    // Loaded from its directory alone: the pieces come from the bundle's vocabulary.
    float[][] scores = ModerationModel.of(bundle).score(List.of("you are an 1d10t", ""));
    assertThat(scores[0]).hasSize(6);
    // Retraining fine-tunes such a champion: new text is split into the bundle's own pieces too.
    List<Example> verdicts = new ArrayList<>();
    for (LabelledComment c : TestData.sample(400).rows().subList(300, 400)) {
      boolean[] judged = new boolean[c.labels().length];
      Arrays.fill(judged, true);
      verdicts.add(new Example(c, judged, 1.0));
    }
    ModelBundle tuned =
        new ModelTrainer(TestData.TINY, new TrainingListener() {})
            .fineTune(
                bundle,
                new TrainingSet(
                    bundle.info().labels(),
                    verdicts.subList(0, 70),
                    verdicts.subList(70, 100),
                    "feedback",
                    ""),
                "minilm",
                "minilm-tuned")
            .bundle();
    assertThat(tuned.info().tokenizerScheme()).isEqualTo(Tokenizer.WORDPIECE_SCHEME);
    assertThat(ModerationModel.of(tuned).score(List.of("you are an 1d10t"))[0]).hasSize(6);
    assertThat(
            run(
                    "train",
                    "--embeddings",
                    "MINILM",
                    "--embedding-dim",
                    "128",
                    "--data",
                    "x",
                    "--out",
                    "y")
                .err())
        .contains("embeddingDim must be 384");
  }

  /** Trains the tiny CLI model on a copy of the first 500 sample rows, one row's labels flipped. */
  private static ModelBundle trainWithFlipped(Path out, Partition.Part flippedPart)
      throws Exception {
    LabelledDataset rows = TestData.sample(500);
    List<LabelledComment> changed = new ArrayList<>(rows.rows());
    for (int i = 0; i < changed.size(); i++) {
      LabelledComment c = changed.get(i);
      if (Partition.defaults().of(c.id()) == flippedPart && c.label(0)) {
        boolean[] flipped = c.labels();
        for (int j = 0; j < flipped.length; j++) {
          flipped[j] = !flipped[j];
        }
        changed.set(i, new LabelledComment(c.id(), c.text(), flipped));
        break;
      }
    }
    assertThat(changed).isNotEqualTo(rows.rows());
    Path csv = out.resolveSibling(out.getFileName() + ".csv");
    LabelledCsv.write(csv, new LabelledDataset(rows.labels(), changed, "flipped", ""));
    Run r = run(tinyTrain(csv, out));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return ModelBundle.load(out);
  }

  private static final List<String> PROBE = List.of("you", "stupid", "idiot", "thanks", "wiki");

  @Test
  void aGoldenRowsLabelChangesNoWeightOfTheModelButATrainingRowsDoes() throws Exception {
    ModelBundle golden = trainWithFlipped(dir.resolve("flip-golden"), Partition.Part.GOLDEN);
    ModelBundle training = trainWithFlipped(dir.resolve("flip-train"), Partition.Part.TRAIN);
    int[][] ids = {{2, 3, 4, 5}, {7, 8}};
    assertThat(golden.linear().logits(PROBE)).containsExactly(trained().linear().logits(PROBE));
    assertThat(golden.info().calibration()).isEqualTo(trained().info().calibration());
    assertThat(golden.info().thresholds()).isEqualTo(trained().info().thresholds());
    assertThat(golden.newNetwork().predict(ids)).isDeepEqualTo(trained().newNetwork().predict(ids));
    // The check can fail: one flipped training row moves the linear model.
    assertThat(training.linear().logits(PROBE)).isNotEqualTo(trained().linear().logits(PROBE));
  }

  private static ModelBundle trained() throws Exception {
    return ModelBundle.load(model);
  }

  @Test
  void evaluateJsonPrintsOneObjectWithPerLabelAndMeanAucs() throws Exception {
    Run r =
        run(
            "evaluate",
            "--model",
            model.toString(),
            "--data",
            TestData.samplePath().toString(),
            "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("rows").asInt()).isEqualTo(2000);
    assertThat(json.get("model").get("version").asText()).isEqualTo("cli-test");
    // The sample's 49 comments mentioning "gay" hold 43 toxic ones: enough for BNSP, too few
    // harmless ones for the subgroup AUC and BPSN.
    JsonNode gay = json.at("/bias/subgroups/gay");
    assertThat(gay.get("mentions").asInt()).isEqualTo(49);
    assertThat(gay.get("positives").asInt()).isEqualTo(43);
    assertThat(gay.get("bnsp").asDouble()).isBetween(0.0, 1.0);
    assertThat(gay.get("bpsn").isNull()).isTrue();
    assertThat(gay.get("subgroup").isNull()).isTrue();
    assertThat(json.at("/bias/worst/value").asDouble())
        .isLessThanOrEqualTo(gay.get("bnsp").asDouble());
    for (String label :
        List.of("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")) {
      JsonNode l = json.get("labels").get(label);
      assertThat(l.get("rocAuc").asDouble()).as(label).isBetween(0.0, 1.0);
      assertThat(l.get("prAuc").asDouble()).as(label).isBetween(0.0, 1.0);
    }
    // Two epochs of a tiny network on 400 rows: weak, but clearly better than chance.
    assertThat(json.get("meanRocAuc").asDouble()).isGreaterThan(0.6);
    assertThat(json.get("meanPrAuc").asDouble()).isBetween(0.0, 1.0);
  }

  @Test
  void evaluateTextReportHasATableRow() {
    Run r =
        run("evaluate", "--model", model.toString(), "--data", TestData.samplePath().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("evaluation report")
        .containsPattern("(?m)^insult\\s+\\d+\\s+0\\.\\d{4}");
  }

  @Test
  void evaluateReportWritesHtmlWithChartsAndDisguisedFigures() throws Exception {
    Path report = dir.resolve("report");
    Run r =
        run(
            "evaluate",
            "--model",
            model.toString(),
            "--data",
            TestData.samplePath().toString(),
            "--report",
            report.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(report.resolve("report.html"))
        .content()
        .contains("<table>", "reliability.png", "roc-toxic.png", "disguised")
        .contains("Unintended bias on identity subgroups", "<th>BPSN AUC</th>", "<td>gay</td>");
    assertThat(report.resolve("roc-toxic.png")).isNotEmptyFile();
    assertThat(report.resolve("reliability.png")).isNotEmptyFile();
    assertThat(Files.readAllBytes(report.resolve("pr-insult.png")))
        .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void crossvalBaselineOnlyWritesEachRowsFoldAndTheBaselinesFigures() throws Exception {
    Path out = dir.resolve("baseline-only");
    Run r =
        run(
            "crossval",
            "--data",
            TestData.samplePath().toString(),
            "--out",
            out.toString(),
            "--limit",
            "600",
            "--folds",
            "3",
            "--baseline-only");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(out.resolve(CrossValidation.FOLDS_FILE));
    assertThat(lines.get(0)).isEqualTo("id,fold");
    assertThat(lines).hasSize(601);
    assertThat(lines.subList(1, lines.size()).stream().map(l -> l.split(",")[0]).distinct())
        .hasSize(600);
    assertThat(lines.subList(1, lines.size()).stream().map(l -> l.split(",")[1]).distinct())
        .containsExactlyInAnyOrder("1", "2", "3");
    var folds = Reports.JSON.readTree(out.resolve("baseline.json").toFile()).path("folds");
    assertThat(folds).hasSize(3);
    for (var fold : folds) {
      assertThat(fold.path("toxic").asDouble()).isBetween(0.75, 1.0);
    }
    assertThat(out.resolve("fold-1.json")).doesNotExist();
  }

  @Test
  void crossvalComparesTheRecipeWithTheBaselineOnTheSameFoldsAndResumes() throws Exception {
    Path out = dir.resolve("crossval");
    String[] args = {
      "crossval",
      "--data",
      TestData.samplePath().toString(),
      "--out",
      out.toString(),
      "--limit",
      "400",
      "--folds",
      "2",
      "--epochs",
      "1",
      "--embedding-dim",
      "8",
      "--lstm-units",
      "4",
      "--dense-units",
      "4",
      "--max-length",
      "32",
      "--vocab-max-size",
      "2000",
      "--batch-size",
      "32"
    };
    Run r = run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("| label | baseline | LSTM alone | model |", "| toxic |", "| **mean** |", "ECE");
    assertThat(out.resolve("report.html")).content().contains("<table>", "reliability-model.png");
    assertThat(out.resolve("fold-1.json")).isNotEmptyFile();
    assertThat(out.resolve("fold-2.json")).isNotEmptyFile();
    var results = Reports.JSON.readTree(out.resolve("results.json").toFile());
    double modelToxic = results.path("model").path("toxic").path("rocAuc").asDouble();
    assertThat(modelToxic).isBetween(0.5, 1.0);
    assertThat(results.path("baseline").path("meanRocAuc").asDouble()).isBetween(0.5, 1.0);
    assertThat(results.path("model").path("toxic").path("perFold")).hasSize(2);
    assertThat(results.path("lstm").path("toxic").path("perFold")).hasSize(2);
    assertThat(results.path("lstm").path("meanRocAuc").asDouble()).isBetween(0.3, 1.0);
    assertThat(results.path("lstmShareOfBlendPerFold")).hasSize(2);

    Run again = run(args);
    assertThat(again.exitCode()).isZero();
    assertThat(again.err()).contains("fold 1: reusing", "fold 2: reusing");
    assertThat(
            Reports.JSON
                .readTree(out.resolve("results.json").toFile())
                .path("model")
                .path("toxic")
                .path("rocAuc")
                .asDouble())
        .isEqualTo(modelToxic);

    List<String> onlySecond = new ArrayList<>(Arrays.asList(args));
    onlySecond.addAll(List.of("--only-folds", "2"));
    Run second = run(onlySecond.toArray(String[]::new));
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.err()).contains("fold 2: reusing").doesNotContain("fold 1");
    assertThat(
            Reports.JSON
                .readTree(out.resolve("results.json").toFile())
                .path("model")
                .path("toxic")
                .path("perFold"))
        .hasSize(1);
    onlySecond.set(onlySecond.size() - 1, "3");
    Run noSuchFold = run(onlySecond.toArray(String[]::new));
    assertThat(noSuchFold.exitCode()).isNotZero();
    assertThat(noSuchFold.err()).contains("folds are numbered 1 to 2");

    String[] otherSettings = args.clone();
    otherSettings[Arrays.asList(args).indexOf("--epochs") + 1] = "2";
    Run refused = run(otherSettings);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("holds folds computed with other settings");
  }

  @Test
  void verifyEngineComparesOnnxWithTheDl4jReferenceOnTheValidationSplit() {
    Run r =
        run(
            "verify-engine",
            "--model",
            model.toString(),
            "--data",
            TestData.samplePath().toString());
    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    // 2,000 sample rows, 20% stratified validation split.
    assertThat(r.out())
        .containsPattern("validation rows of .*: 4\\d\\d comments")
        .contains("comments with other flagged labels 0")
        .contains("OK: the same scores");
    Run all =
        run(
            "verify-engine",
            "--model",
            model.toString(),
            "--data",
            TestData.samplePath().toString(),
            "--all-rows");
    assertThat(all.out()).contains("2000 comments, 12000 scores");
    // Against exact arithmetic, ONNX Runtime's float scores are within 1e-6 (the sigmoid is taken
    // in Java: ORT's own is less exact).
    Run exact =
        run(
            "verify-engine",
            "--model",
            model.toString(),
            "--data",
            TestData.samplePath().toString(),
            "--reference",
            "dl4j-float64",
            "--tolerance",
            "1e-6");
    assertThat(exact.exitCode()).as(exact.err() + exact.out()).isZero();
    assertThat(exact.out()).contains("dl4j-float64 (reference)").contains("OK: the same scores");
  }

  @Test
  void helpListsTheCommands() {
    Run r = run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("train").contains("evaluate");
    assertThat(run("train", "--help").out())
        .contains("--data")
        .contains("--out")
        .contains("--epochs");
  }

  @Test
  void errorsAreOneClearLineAndANonZeroExit() throws Exception {
    Run missingData = run("train", "--data", "no/such.csv", "--out", dir.resolve("x").toString());
    assertThat(missingData.exitCode()).isEqualTo(1);
    assertThat(missingData.err())
        .contains("error:")
        .contains("no/such.csv")
        .contains("Jigsaw-format");

    Run occupied =
        run("train", "--data", TestData.samplePath().toString(), "--out", model.toString());
    assertThat(occupied.exitCode()).isEqualTo(1);
    assertThat(occupied.err()).contains("not empty");

    Run notABundle =
        run("evaluate", "--model", dir.toString(), "--data", TestData.samplePath().toString());
    assertThat(notABundle.exitCode()).isEqualTo(1);
    assertThat(notABundle.err()).contains("no manifest.json");

    Path oneLabel = dir.resolve("one-label.csv");
    Files.writeString(oneLabel, "id,comment_text,toxic\na,hello,0\nb,idiot,1\n");
    Run wrongLabels = run("evaluate", "--model", model.toString(), "--data", oneLabel.toString());
    assertThat(wrongLabels.exitCode()).isEqualTo(1);
    assertThat(wrongLabels.err()).contains("no column 'severe_toxic'");

    Run usage = run("train", "--out", "x");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("--data");
  }
}

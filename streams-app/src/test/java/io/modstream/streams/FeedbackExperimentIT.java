package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.ModelReleases;
import io.modstream.trainer.TrainerCli;
import io.modstream.trainer.retrain.FeedbackLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trainer feedback-experiment} on a real broker with a tiny champion and the committed OLID
 * sample: every size gets its own topics, its verdicts go through the feedback topic into a real
 * retraining run, and each gets a row of finite held-out ROC-AUCs.
 */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedbackExperimentIT {

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TrainerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path olidSample() {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("data/sample/olid-sample.tsv");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("data/sample/olid-sample.tsv not found");
  }

  static List<String> args(String bootstrap, Path champion, Path out, String sizes) {
    return new ArrayList<>(
        List.of(
            "feedback-experiment",
            "--bootstrap",
            bootstrap,
            "--champion",
            champion.toString(),
            "--base-data",
            TestData.samplePath().toString(),
            "--data",
            olidSample().toString(),
            "--format",
            "olid",
            "--sizes",
            sizes,
            "--out",
            out.toString()));
  }

  @Test
  void eachSizesVerdictsGoThroughTheTopicIntoARetrainingRunAndARow(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Path champion = dir.resolve("champion");
    TestData.tinyModel().bundle().save(champion);
    Path out = dir.resolve("results");

    Run r = run(args(broker.bootstrapServers(), champion, out, "40,80").toArray(String[]::new));

    assertThat(r.exitCode()).as("stderr:%n%s", r.err()).isZero();
    assertThat(r.err())
        .contains("300 rows (olid); 60 held out, 240 available as verdicts")
        .contains("[n=40] published 40 verdicts from 10 reviewers")
        .contains("[n=80] published 80 verdicts from 10 reviewers");
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.path("command").asText()).startsWith("trainer feedback-experiment");
    JsonNode runs = results.path("runs");
    assertThat(runs).hasSize(2);
    for (int k = 0; k < 2; k++) {
      JsonNode run = runs.get(k);
      int n = k == 0 ? 40 : 80;
      assertThat(run.path("verdicts").asInt()).isEqualTo(n);
      assertThat(run.path("holdout_rows").asInt()).isEqualTo(60);
      for (String label : List.of("toxic", "insult")) {
        for (String model : List.of("champion", "candidate")) {
          double auc = run.path("holdout_roc_auc").path(label).path(model).asDouble(Double.NaN);
          assertThat(auc).as("%s %s at n=%d", model, label, n).isBetween(0.0, 1.0);
        }
      }
      assertThat(run.path("base_golden").path("champion_mean_roc_auc").isNumber()).isTrue();
      assertThat(run.path("retrain_seconds").asDouble()).isPositive();
      // The run read exactly these verdicts back from its own topic, each a partial verdict.
      JsonNode rows = run.path("decision").path("rows");
      assertThat(rows.path("feedback.total").asInt()).isEqualTo(n);
      assertThat(rows.path("partial").asInt()).isEqualTo(n);
      assertThat(
              rows.path("train").asInt()
                  + rows.path("calibration").asInt()
                  + rows.path("golden").asInt())
          .isEqualTo(n);
      String topic = run.path("feedback_topic").asText();
      assertThat(FeedbackLog.readAll(ModelReleases.connection(broker.bootstrapServers()), topic))
          .hasSize(n)
          .allSatisfy((id, f) -> assertThat(id).startsWith("olid-"));
      assertThat(out.resolve("n-" + n).resolve("decisions.jsonl")).isRegularFile();
    }
    assertThat(runs.get(0).path("feedback_topic").asText())
        .isNotEqualTo(runs.get(1).path("feedback_topic").asText());

    List<String> md = Files.readAllLines(out.resolve("results.md"));
    assertThat(md).anySatisfy(l -> assertThat(l).startsWith("trainer feedback-experiment"));
    assertThat(md).filteredOn(l -> l.startsWith("| 40 | 60 |")).hasSize(1);
    assertThat(md).filteredOn(l -> l.startsWith("| 80 | 60 |")).hasSize(1);
    assertThat(md)
        .filteredOn(l -> l.startsWith("| "))
        .allSatisfy(l -> assertThat(l).doesNotContain("NaN"));
    assertThat(r.out()).isEqualTo(Files.readString(out.resolve("results.md")));
  }

  @Test
  void optionsThatCannotWorkAreRefusedBeforeAnythingIsPublished(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Path champion = dir.resolve("champion");
    TestData.tinyModel().bundle().save(champion);

    Run tooMany =
        run(
            args(broker.bootstrapServers(), champion, dir.resolve("a"), "40,241")
                .toArray(String[]::new));
    assertThat(tooMany.exitCode()).isEqualTo(2);
    assertThat(tooMany.err())
        .contains("--sizes 241 is more than the 240 rows")
        .contains("lower --sizes");

    List<String> wrongFormat = args(broker.bootstrapServers(), champion, dir.resolve("b"), "40");
    wrongFormat.set(wrongFormat.indexOf("olid"), "jigsaw");
    Run format = run(wrongFormat.toArray(String[]::new));
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.err()).contains("--format must be olid");

    Path used = Files.createDirectories(dir.resolve("used"));
    Files.writeString(used.resolve("results.json"), "{}");
    Run notEmpty =
        run(args(broker.bootstrapServers(), champion, used, "40").toArray(String[]::new));
    assertThat(notEmpty.exitCode()).isEqualTo(2);
    assertThat(notEmpty.err()).contains("is not empty; name a new directory");

    Run noBundle =
        run(args(broker.bootstrapServers(), dir, dir.resolve("c"), "40").toArray(String[]::new));
    assertThat(noBundle.exitCode()).isEqualTo(2);
    assertThat(noBundle.err()).contains("is not a model bundle");
  }
}

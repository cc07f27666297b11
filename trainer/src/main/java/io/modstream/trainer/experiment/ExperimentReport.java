package io.modstream.trainer.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The experiment's results: one {@link Run} per number of verdicts, written as {@code results.json}
 * and as a Markdown table in {@code results.md}.
 */
public final class ExperimentReport {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int REASON_CHARS = 90;

  /**
   * One label's in-domain held-out ROC-AUC before and after.
   *
   * @param label the label
   * @param champion the champion's ROC-AUC
   * @param candidate the candidate's ROC-AUC
   */
  public record LabelAuc(String label, double champion, double candidate) {

    /**
     * Returns the candidate's gain over the champion.
     *
     * @return candidate minus champion
     */
    public double rise() {
      return candidate - champion;
    }
  }

  /**
   * One run: N verdicts through the topic, one retraining run, both models on the held-out rows.
   *
   * @param size the verdicts published
   * @param feedbackTopic the run's feedback topic
   * @param holdoutRows the in-domain held-out rows scored
   * @param auc per judged label, both models' ROC-AUC on them
   * @param decision the retraining run's decision record
   * @param wallSeconds the run's wall time, publishing and scoring included
   */
  public record Run(
      int size,
      String feedbackTopic,
      int holdoutRows,
      List<LabelAuc> auc,
      JsonNode decision,
      double wallSeconds) {

    /** Copies. */
    public Run {
      auc = List.copyOf(auc);
    }

    /**
     * Returns whether the gate released the candidate.
     *
     * @return the gate's decision
     */
    public boolean released() {
      return decision.path("released").asBoolean();
    }

    /**
     * Returns the gate's reasons to reject, empty when released.
     *
     * @return the reasons
     */
    public List<String> reasons() {
      List<String> reasons = new ArrayList<>();
      decision.path("reasons").forEach(r -> reasons.add(r.asText()));
      return reasons;
    }

    /**
     * Returns a figure of the decision record, NaN when absent (no held-out feedback).
     *
     * @param path the field names from the root, e.g. golden, base, champion_mean_roc_auc
     * @return the value
     */
    public double figure(String... path) {
      JsonNode n = decision;
      for (String p : path) {
        n = n.path(p);
      }
      return n.isMissingNode() || n.isNull() ? Double.NaN : n.asDouble(Double.NaN);
    }
  }

  private final ObjectNode header;
  private final List<Run> runs = new ArrayList<>();

  /**
   * Starts a report.
   *
   * @param header the command line, data, champion and settings, as written at the top
   */
  public ExperimentReport(ObjectNode header) {
    this.header = header.deepCopy();
  }

  /**
   * Adds a run.
   *
   * @param run the run
   */
  public void add(Run run) {
    runs.add(run);
  }

  /**
   * Returns the runs so far.
   *
   * @return the runs
   */
  public List<Run> runs() {
    return List.copyOf(runs);
  }

  /**
   * Writes {@code results.json} and {@code results.md} (rewritten after each run, so an interrupted
   * experiment keeps what it finished).
   *
   * @param dir the output directory
   * @throws IOException on write failure
   */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = header.deepCopy();
    ArrayNode list = root.putArray("runs");
    for (Run r : runs) {
      ObjectNode n = list.addObject();
      n.put("verdicts", r.size());
      n.put("feedback_topic", r.feedbackTopic());
      n.put("holdout_rows", r.holdoutRows());
      ObjectNode auc = n.putObject("holdout_roc_auc");
      for (LabelAuc a : r.auc()) {
        ObjectNode l = auc.putObject(a.label());
        l.put("champion", a.champion());
        l.put("candidate", a.candidate());
        l.put("rise", a.rise());
      }
      ObjectNode golden = n.putObject("base_golden");
      golden.put("champion_mean_roc_auc", r.figure("golden", "base", "champion_mean_roc_auc"));
      golden.put("candidate_mean_roc_auc", r.figure("golden", "base", "candidate_mean_roc_auc"));
      golden.set("mean_roc_auc_difference", at(r, "/golden/base/mean_roc_auc_difference"));
      n.set("feedback_golden_log_loss_gain", at(r, "/golden/feedback/log_loss_gain"));
      n.put("released", r.released());
      n.putPOJO("reasons", r.reasons());
      n.put("retrain_seconds", r.figure("seconds"));
      n.put("wall_seconds", Math.round(r.wallSeconds() * 10) / 10.0);
      n.set("decision", r.decision());
    }
    Files.writeString(
        dir.resolve("results.json"), JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("results.md"), markdown(), StandardCharsets.UTF_8);
  }

  /**
   * Returns the Markdown: the command line, the data and settings, and one table row per run.
   *
   * @return the text
   */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Feedback experiment\n\n```\n")
        .append(header.path("command").asText())
        .append("\n```\n\n");
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      if (!e.getKey().equals("command")) {
        md.append("- ").append(e.getKey()).append(": ").append(inline(e.getValue())).append('\n');
      }
    }
    List<String> labels =
        runs.isEmpty() ? List.of() : runs.get(0).auc().stream().map(LabelAuc::label).toList();
    md.append("\n| verdicts | held-out rows |");
    for (String l : labels) {
      md.append(' ').append(l).append(" ROC-AUC champion → candidate (rise) |");
    }
    md.append(
        " base golden mean ROC-AUC champion → candidate (difference) | gate | run s |\n"
            + "|---:|---:|");
    md.append("---|".repeat(labels.size())).append("---|---|---:|\n");
    for (Run r : runs) {
      md.append("| ").append(r.size()).append(" | ").append(r.holdoutRows()).append(" |");
      for (LabelAuc a : r.auc()) {
        md.append(' ').append(change(a.champion(), a.candidate(), a.rise())).append(" |");
      }
      md.append(' ')
          .append(
              change(
                  r.figure("golden", "base", "champion_mean_roc_auc"),
                  r.figure("golden", "base", "candidate_mean_roc_auc"),
                  r.figure("golden", "base", "mean_roc_auc_difference", "value")))
          .append(" | ")
          .append(gate(r))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", r.figure("seconds")))
          .append(" |\n");
    }
    md.append(
        "\nROC-AUC on the in-domain held-out rows (never published); base golden: the champion's"
            + " golden rows of its own data, as the gate sees them. Run s: the retraining run"
            + " alone.\n");
    return md.toString();
  }

  private static String change(double before, double after, double difference) {
    return String.format(Locale.ROOT, "%.4f → %.4f (%+.4f)", before, after, difference);
  }

  private static String gate(Run r) {
    if (r.released()) {
      return "released";
    }
    List<String> reasons = r.reasons();
    if (reasons.isEmpty()) {
      return "rejected";
    }
    String first = reasons.get(0).replace('|', '/').replaceAll("\\s+", " ");
    if (first.length() > REASON_CHARS) {
      first = first.substring(0, REASON_CHARS - 1) + "…";
    }
    return "rejected: "
        + first
        + (reasons.size() > 1 ? " (+" + (reasons.size() - 1) + " more)" : "");
  }

  private static JsonNode at(Run r, String pointer) {
    JsonNode n = r.decision().at(pointer);
    return n.isMissingNode() ? NullNode.getInstance() : n;
  }

  private static String inline(JsonNode value) {
    if (!value.isObject()) {
      return value.isValueNode() ? value.asText() : value.toString();
    }
    List<String> parts = new ArrayList<>();
    value.properties().forEach(e -> parts.add(e.getKey() + " " + inline(e.getValue())));
    return String.join(", ", parts);
  }
}

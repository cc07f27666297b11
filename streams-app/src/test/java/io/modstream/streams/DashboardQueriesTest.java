package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed Grafana dashboard (docker/grafana/dashboards/modstream.json) asks only for series
 * the services export: every metric name in its PromQL is one of the metrics contract's, and every
 * label it groups by is one they carry.
 */
class DashboardQueriesTest {

  private static final Path DASHBOARD =
      Path.of("..", "docker", "grafana", "dashboards", "modstream.json");

  /** Counters, gauges and histograms of the contract (docs/operations.md, "Metrics and health"). */
  private static final Set<String> CONTRACT =
      Set.of(
          "modstream_comments_scored_total",
          "modstream_dead_letters_total",
          "modstream_batch_size",
          "modstream_scoring_latency_seconds",
          "modstream_end_to_end_delay_seconds",
          "modstream_flagged_total",
          "modstream_model_info",
          "modstream_model_loaded_timestamp_seconds",
          "modstream_model_swaps_total",
          "modstream_releases_refused_total",
          "modstream_stalled_threads",
          "modstream_feedback_records_total",
          "modstream_retrain_runs_total",
          "modstream_gate_score",
          "modstream_retrain_duration_seconds");

  /** The contract's histograms, summaries and timers: their series carry suffixes. */
  private static final Set<String> DISTRIBUTIONS =
      Set.of(
          "modstream_batch_size",
          "modstream_scoring_latency_seconds",
          "modstream_end_to_end_delay_seconds",
          "modstream_retrain_duration_seconds");

  /** Families from Micrometer's Kafka Streams and JVM binders. */
  private static final List<String> FAMILIES =
      List.of("kafka_stream_", "kafka_consumer_", "kafka_producer_", "jvm_");

  /** The contract's labels, plus Prometheus's own (job, instance) and histogram buckets (le). */
  private static final Set<String> LABELS =
      Set.of(
          "model_version",
          "reason",
          "label",
          "source",
          "outcome",
          "model",
          "metric",
          "area",
          "job",
          "instance",
          "le");

  private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern LABEL_MATCHER_NAME = Pattern.compile("([a-zA-Z_]\\w*)\\s*[=!~]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
  private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][\\w:]*");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "bool");

  private static List<String> queries;

  @BeforeAll
  static void load() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    queries = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        queries.add(target.get("expr").asText());
      }
    }
  }

  /** The metric names of a query: identifiers outside label sets and groupings, not calls. */
  static Set<String> metricNames(String query) {
    String rest = LABEL_MATCHERS.matcher(query).replaceAll(" ");
    rest = GROUPING.matcher(rest).replaceAll(" ");
    rest = RANGES.matcher(rest).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(rest);
    while (m.find()) {
      int after = m.end();
      while (after < rest.length() && rest.charAt(after) == ' ') {
        after++;
      }
      boolean call = after < rest.length() && rest.charAt(after) == '(';
      if (!call && !KEYWORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** The label names a query matches on or groups by. */
  static Set<String> labelNames(String query) {
    Set<String> labels = new LinkedHashSet<>();
    Matcher sets = LABEL_MATCHERS.matcher(query);
    while (sets.find()) {
      Matcher name = LABEL_MATCHER_NAME.matcher(sets.group());
      while (name.find()) {
        labels.add(name.group(1));
      }
    }
    Matcher grouping = GROUPING.matcher(query);
    while (grouping.find()) {
      for (String label : grouping.group(1).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.strip());
        }
      }
    }
    return labels;
  }

  static boolean inContract(String name) {
    if ((CONTRACT.contains(name) && !DISTRIBUTIONS.contains(name)) || name.equals("up")) {
      return true;
    }
    // A histogram or summary has no series of its own name: only these.
    for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
      if (name.endsWith(suffix)
          && DISTRIBUTIONS.contains(name.substring(0, name.length() - suffix.length()))) {
        return true;
      }
    }
    return FAMILIES.stream().anyMatch(f -> name.startsWith(f) && name.length() > f.length());
  }

  @Test
  void everyPanelHasAQuery() {
    assertThat(queries).isNotEmpty().allSatisfy(q -> assertThat(q).isNotBlank());
  }

  @Test
  void queriesNameOnlyContractSeries() {
    for (String query : queries) {
      Set<String> names = metricNames(query);
      assertThat(names).as("metrics in %s", query).isNotEmpty();
      assertThat(names).as("metrics in %s", query).allMatch(DashboardQueriesTest::inContract);
      assertThat(labelNames(query)).as("labels in %s", query).isSubsetOf(LABELS);
    }
  }

  @Test
  void dashboardCoversTheProductsMetrics() {
    Set<String> used = new LinkedHashSet<>();
    for (String query : queries) {
      for (String name : metricNames(query)) {
        used.add(name.replaceAll("_(bucket|count|sum|max)$", ""));
      }
    }
    assertThat(used).containsAll(CONTRACT);
  }

  @Test
  void parserFindsMetricsAndLabels() {
    String q =
        "histogram_quantile(0.99, sum by (le) (rate(modstream_scoring_latency_seconds_bucket[5m])))"
            + " / on (job) up{job=\"streams-app\"}";
    assertThat(metricNames(q)).containsExactly("modstream_scoring_latency_seconds_bucket", "up");
    assertThat(labelNames(q)).containsExactlyInAnyOrder("le", "job");
    assertThat(inContract("modstream_comments_scored")).isFalse();
    assertThat(inContract("modstream_batch_size_bucket")).isTrue();
    assertThat(inContract("modstream_batch_size")).isFalse();
    assertThat(inContract("jvm_")).isFalse();
  }
}

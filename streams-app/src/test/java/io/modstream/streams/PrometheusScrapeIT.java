package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.kafka.LocalKafka;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.ServiceEndpoints;
import io.modstream.trainer.TrainerCli;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) scrapes the streams app's jar and {@code
 * trainer serve} every 2 s, and its HTTP API shows both targets up and the metrics contract's named
 * series, with the scored total equal to the comments sent. This checks what ObservabilityIT's text
 * matching cannot: that Prometheus itself parses the exposition and keeps the series.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrometheusScrapeIT {

  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final int COMMENTS = 25;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void prometheusScrapesBothServicesAndSeesTheContractSeries(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PROMETHEUS),
        "PrometheusScrapeIT skipped: no " + PROMETHEUS + " (apt-get install prometheus)");
    String app = "prometheus-it-" + System.nanoTime();
    String version = TestData.tinyModel().bundle().info().version();
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    Path config = dir.resolve("streams.properties");
    ItSupport.appConfigFile(
        config,
        broker.bootstrapServers(),
        app,
        modelDir,
        dir.resolve("state"),
        "batch.max.wait.ms=200");
    TopicSetup.createMissing(
        broker.bootstrapServers(),
        TopicSetup.specs(
            ScorerConfig.load(config, Map.of()), TestData.tinyModel().bundle().info().labels()),
        1);
    int appPort = LocalKafka.freePort();
    int trainerPort = LocalKafka.freePort();
    int promPort = LocalKafka.freePort();
    Files.writeString(
        dir.resolve("prometheus.yml"),
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 2s",
            "scrape_configs:",
            "  - job_name: streams-app",
            "    metrics_path: " + ServiceEndpoints.METRICS,
            "    static_configs:",
            "      - targets: [\"127.0.0.1:" + appPort + "\"]",
            "  - job_name: retraining-service",
            "    metrics_path: " + ServiceEndpoints.METRICS,
            "    static_configs:",
            "      - targets: [\"127.0.0.1:" + trainerPort + "\"]",
            ""),
        StandardCharsets.UTF_8);

    Process appProcess =
        ItSupport.launchApp(
            config,
            dir.resolve("app.log"),
            "-Xmx512m",
            Map.of("MODSTREAM_HTTP_PORT", Integer.toString(appPort)));
    Thread serve = startServe(broker.bootstrapServers(), app, dir, trainerPort);
    Process prometheus = null;
    try {
      prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + promPort)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      Prometheus api = new Prometheus("http://127.0.0.1:" + promPort, dir);

      try (KafkaProducer<String, byte[]> producer = ItSupport.producer(broker.bootstrapServers())) {
        for (int i = 0; i < COMMENTS; i++) {
          String key = "c-" + i;
          byte[] value =
              JSON.writeValueAsBytes(Map.of("comment_id", key, "text", "comment number " + i));
          producer.send(new ProducerRecord<>(app + "-comments", key, value));
        }
        producer.flush();
      }

      String scored =
          "modstream_comments_scored_total{job=\"streams-app\",model_version=\"" + version + "\"}";
      api.awaitValue(scored, COMMENTS, Duration.ofSeconds(120));

      List<String> health = api.awaitTargets(2, Duration.ofSeconds(30));
      assertThat(health)
          .as("every target Prometheus scrapes, by job")
          .containsExactlyInAnyOrder("streams-app=up", "retraining-service=up");

      List<String> required =
          List.of(
              "modstream_model_info{job=\"streams-app\",model_version=\"" + version + "\"}",
              "modstream_model_loaded_timestamp_seconds{job=\"streams-app\"}",
              "modstream_stalled_threads{job=\"streams-app\"}",
              "modstream_batch_size_count{job=\"streams-app\"}",
              "modstream_scoring_latency_seconds_bucket{job=\"streams-app\"}",
              "modstream_end_to_end_delay_seconds_count{job=\"streams-app\"}",
              "{__name__=~\"kafka_stream_.+\",job=\"streams-app\"}",
              "{__name__=~\"kafka_consumer_.+\",job=\"streams-app\"}",
              "{__name__=~\"kafka_producer_.+\",job=\"streams-app\"}",
              "{__name__=~\"jvm_.+\",job=\"streams-app\"}",
              "modstream_retrain_runs_total{job=\"retraining-service\",outcome=\"released\"}",
              "{__name__=~\"jvm_.+\",job=\"retraining-service\"}");
      for (String selector : required) {
        assertThat(api.query(selector)).as("Prometheus has %s", selector).isNotEmpty();
      }
      assertThat(api.value("modstream_model_info{model_version=\"" + version + "\"}")).isEqualTo(1);
      assertThat(api.value(scored))
          .as("the scored total equals the comments sent")
          .isEqualTo(COMMENTS);
      assertThat(api.value("sum(modstream_retrain_runs_total{job=\"retraining-service\"})"))
          .as("no retraining run yet")
          .isZero();
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        prometheus.waitFor(30, TimeUnit.SECONDS);
      }
      serve.interrupt();
      serve.join(30_000);
      appProcess.destroy();
      appProcess.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts {@code trainer serve} in this JVM on its own topics, with no champion released yet. */
  private static Thread startServe(String bootstrap, String app, Path dir, int port)
      throws ExecutionException, InterruptedException {
    ItSupport.createServeTopics(bootstrap, app);
    String[] serveArgs = ItSupport.serveArgs(bootstrap, app, dir, port);
    Thread serve =
        new Thread(() -> TrainerCli.commandLine().execute(serveArgs), "trainer-serve-prom-it");
    serve.start();
    return serve;
  }

  /** Prometheus's HTTP API; failures quote its log and the app's. */
  private record Prometheus(String base, Path dir) {

    JsonNode data(String pathAndQuery) throws IOException, InterruptedException {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new AssertionError(pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
      }
      return body.path("data");
    }

    /** An instant query's result vector. */
    JsonNode query(String promql) throws IOException, InterruptedException {
      return data("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
          .path("result");
    }

    /** The first sample's value, or NaN when the result is empty. */
    double value(String promql) throws IOException, InterruptedException {
      JsonNode result = query(promql);
      return result.isEmpty()
          ? Double.NaN
          : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /**
     * Polls the targets until {@code count} are there and none is down or not yet scraped; returns
     * each as job=health.
     */
    List<String> awaitTargets(int count, Duration timeout)
        throws IOException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        List<String> health = new ArrayList<>();
        data("/api/v1/targets")
            .path("activeTargets")
            .forEach(
                t ->
                    health.add(
                        t.path("labels").path("job").asText()
                            + "="
                            + t.path("health").asText()
                            + ("up".equals(t.path("health").asText())
                                ? ""
                                : " (" + t.path("lastError").asText() + ")")));
        if ((health.size() == count && health.stream().allMatch(h -> h.endsWith("=up")))
            || System.nanoTime() > deadline) {
          return health;
        }
        Thread.sleep(500);
      }
    }

    /** Polls until the query reaches {@code expected} (Prometheus still starting counts as not). */
    void awaitValue(String promql, double expected, Duration timeout)
        throws IOException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      String last = "no answer";
      while (System.nanoTime() < deadline) {
        try {
          double v = value(promql);
          if (v >= expected) {
            return;
          }
          last = promql + " = " + v;
        } catch (IOException e) {
          last = "Prometheus did not answer: " + e;
        }
        Thread.sleep(500);
      }
      throw new AssertionError(
          promql
              + " did not reach "
              + expected
              + " within "
              + timeout
              + "; last: "
              + last
              + "\ntargets: "
              + data("/api/v1/targets")
              + "\nprometheus log:\n"
              + tail(dir.resolve("prometheus.log"))
              + "\napp log:\n"
              + tail(dir.resolve("app.log")));
    }

    private static String tail(Path log) throws IOException {
      if (!Files.exists(log)) {
        return "(none)";
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
  }
}

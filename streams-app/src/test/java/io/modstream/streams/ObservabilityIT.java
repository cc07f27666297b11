package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.kafka.LocalKafka;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.ServiceEndpoints;
import io.modstream.trainer.TrainerCli;
import io.modstream.trainer.retrain.ReleaseStore;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' /metrics and /health endpoints as a scraper and an orchestrator's probes see them:
 * the streams app's jar on a real broker (readiness 503 while it starts, 200 once RUNNING with its
 * model; the scored, dead-lettered and model series after a known input), and {@code trainer serve}
 * (ready once a champion is released).
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ObservabilityIT {

  private static final int COMMENTS = 40;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A status code and body; status 0 when nothing listens yet. */
  private record Answer(int status, String body) {}

  @Test
  void theAppReportsReadinessAndTheNamedSeries(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String version = TestData.tinyModel().bundle().info().version();
    String app = "observability-it-" + System.nanoTime();
    Path config = dir.resolve("streams.properties");
    ItSupport.appConfigFile(
        config,
        broker.bootstrapServers(),
        app,
        modelDir,
        dir.resolve("state"),
        "batch.max.wait.ms=200");
    ScorerConfig cfg = ScorerConfig.load(config, Map.of());
    TopicSetup.createMissing(
        broker.bootstrapServers(),
        TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()),
        1);
    int port = LocalKafka.freePort();
    String base = "http://127.0.0.1:" + port;
    Process app1 =
        ItSupport.launchApp(
            config,
            dir.resolve("app.log"),
            "-Xmx512m",
            Map.of("MODSTREAM_HTTP_PORT", Integer.toString(port)));
    try {
      List<Answer> probes = new ArrayList<>();
      Answer ready =
          await(
              base + ServiceEndpoints.READY,
              a -> {
                probes.add(a);
                return a.status() == 200;
              },
              Duration.ofSeconds(120),
              dir);
      assertThat(probes)
          .as("readiness answered 503 while the app started, before 200")
          .anySatisfy(
              a -> {
                assertThat(a.status()).isEqualTo(503);
                assertThat(JSON.readTree(a.body()).path("status").asText()).isEqualTo("DOWN");
                assertThat(JSON.readTree(a.body()).path("reason").asText()).isNotBlank();
              });
      JsonNode readyBody = JSON.readTree(ready.body());
      assertThat(readyBody.path("status").asText()).isEqualTo("UP");
      assertThat(readyBody.path("detail").asText()).contains("RUNNING").contains(version);
      assertThat(get(base + ServiceEndpoints.LIVE).status()).isEqualTo(200);

      try (KafkaProducer<String, byte[]> producer = ItSupport.producer(broker.bootstrapServers())) {
        for (int i = 0; i < COMMENTS; i++) {
          String key = "c-" + i;
          byte[] value =
              JSON.writeValueAsBytes(Map.of("comment_id", key, "text", "comment number " + i));
          producer.send(new ProducerRecord<>(app + "-comments", key, value));
        }
        producer.send(new ProducerRecord<>(app + "-comments", "bad", null));
        producer.flush();
      }

      String scored = "modstream_comments_scored_total{model_version=\"" + version + "\"}";
      Answer metrics =
          await(
              base + ServiceEndpoints.METRICS,
              a ->
                  value(a.body(), scored) >= COMMENTS
                      && value(a.body(), "modstream_dead_letters_total{reason=\"NULL_VALUE\"}")
                          >= 1,
              Duration.ofSeconds(120),
              dir);
      String text = metrics.body();
      assertThat(value(text, scored)).as(text).isEqualTo(COMMENTS);
      assertThat(value(text, "modstream_dead_letters_total{reason=\"NULL_VALUE\"}")).isEqualTo(1);
      assertThat(value(text, "modstream_dead_letters_total{reason=\"EMPTY_TEXT\"}")).isZero();
      assertThat(value(text, "modstream_model_info{model_version=\"" + version + "\"}"))
          .isEqualTo(1);
      assertThat(value(text, "modstream_model_loaded_timestamp_seconds"))
          .isBetween(
              System.currentTimeMillis() / 1000.0 - 600, System.currentTimeMillis() / 1000.0);
      assertThat(value(text, "modstream_batch_size_sum")).isEqualTo(COMMENTS);
      assertThat(value(text, "modstream_batch_size_count")).isBetween(1.0, (double) COMMENTS);
      assertThat(value(text, "modstream_scoring_latency_seconds_count"))
          .isEqualTo(value(text, "modstream_batch_size_count"));
      assertThat(value(text, "modstream_end_to_end_delay_seconds_count")).isEqualTo(COMMENTS);
      assertThat(value(text, "modstream_end_to_end_delay_seconds_bucket{le=\"+Inf\"}"))
          .isEqualTo(COMMENTS);
      assertThat(value(text, "modstream_model_swaps_total")).isZero();
      assertThat(value(text, "modstream_releases_refused_total{reason=\"untrusted\"}")).isZero();
      assertThat(value(text, "modstream_stalled_threads")).isZero();
      assertThat(text)
          .contains("# TYPE modstream_scoring_latency_seconds histogram")
          .contains("modstream_flagged_total{label=")
          .contains("kafka_stream_")
          .contains("kafka_consumer_")
          .contains("kafka_producer_")
          .contains("jvm_memory_used_bytes");
    } finally {
      app1.destroy();
      app1.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void trainerServeIsReadyOnceAChampionIsReleased(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    String app = "observability-serve-" + System.nanoTime();
    ItSupport.createServeTopics(broker.bootstrapServers(), app);
    int port = LocalKafka.freePort();
    String base = "http://127.0.0.1:" + port;
    String[] args = ItSupport.serveArgs(broker.bootstrapServers(), app, dir, port);
    Thread serve = new Thread(() -> TrainerCli.commandLine().execute(args), "trainer-serve-it");
    serve.start();
    try {
      Answer notReady =
          await(base + ServiceEndpoints.READY, a -> a.status() != 0, Duration.ofSeconds(60), dir);
      assertThat(notReady.status()).as(notReady.body()).isEqualTo(503);
      assertThat(get(base + ServiceEndpoints.LIVE).status()).isEqualTo(200);
      await(
          base + ServiceEndpoints.READY,
          a -> a.body().contains("no release of 'tiny'"),
          Duration.ofSeconds(60),
          dir);

      Path t1 = dir.resolve("t1");
      TestData.tinyModel().bundle().save(t1);
      new ReleaseStore(dir.resolve("store"), broker.bootstrapServers(), app + "-releases")
          .release(t1, null);
      String version = TestData.tinyModel().bundle().info().version();
      Answer ready =
          await(base + ServiceEndpoints.READY, a -> a.status() == 200, Duration.ofSeconds(60), dir);
      assertThat(JSON.readTree(ready.body()).path("detail").asText()).contains(version);

      String text = get(base + ServiceEndpoints.METRICS).body();
      assertThat(value(text, "modstream_retrain_runs_total{outcome=\"released\"}")).isZero();
      assertThat(value(text, "modstream_retrain_runs_total{outcome=\"failed\"}")).isZero();
      assertThat(value(text, "modstream_feedback_records_total{source=\"MODERATOR_DECISION\"}"))
          .isZero();
      assertThat(text)
          .contains("modstream_gate_score{metric=\"mean_roc_auc\",model=\"champion\"}")
          .contains("modstream_retrain_duration_seconds_count")
          .contains("jvm_memory_used_bytes");
    } finally {
      serve.interrupt();
      serve.join(30_000);
    }
    assertThat(serve.isAlive()).as("serve stops when interrupted").isFalse();
  }

  private static Answer get(String url) throws InterruptedException {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (ConnectException e) {
      return new Answer(0, "");
    } catch (IOException e) {
      return new Answer(0, e.toString());
    }
  }

  private static Answer await(String url, Predicate<Answer> done, Duration timeout, Path dir)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Answer last = get(url);
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        Path log = dir.resolve("app.log");
        throw new AssertionError(
            url
                + " did not answer as expected within "
                + timeout
                + "; last: "
                + last
                + (Files.exists(log) ? "\napp log:\n" + Files.readString(log) : ""));
      }
      Thread.sleep(100);
      last = get(url);
    }
    return last;
  }

  /** A series' value in a scrape, or NaN when absent. */
  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([-+0-9.eE]+|NaN)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}

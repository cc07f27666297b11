package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import io.modstream.registry.LocalRegistry;
import io.modstream.registry.SchemaRegistration;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The non-Java clients of docs/clients, run as a user runs them: Debian's python3-confluent-kafka
 * and python3-avro, and kcat, against a real broker, a real schema registry and two streams apps
 * (one writing JSON, one the registry's format). Comments go in as JSON, through the registry and
 * as Avro single-object; each must come out as exactly one event in both output formats.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientsIT {

  private static final Path CLIENTS = Path.of("..", "docs", "clients", "python");
  private static final Path COMMENT_AVSC = Path.of("..", "schemas", "src", "main", "avro");
  private static final String PYTHON = "/usr/bin/python3";
  private static final int EACH = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pythonAndKcatClientsGetOneEventPerCommentInJsonAndRegistryFormats(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    assumeTrue(
        run(Duration.ofSeconds(30), PYTHON, "-c", "import confluent_kafka, avro, requests").ok(),
        "needs Debian's python3-confluent-kafka, python3-avro and python3-requests"
            + " (apt-get install them; .ci/run does)");
    assumeTrue(
        run(Duration.ofSeconds(10), "kcat", "-V").ok(),
        "needs kcat (apt-get install kcat; .ci/run does)");
    String bootstrap = broker.bootstrapServers();
    String prefix = "it" + System.nanoTime() + "-";
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    ModelHolder models = new ModelHolder(ModerationModel.of(ModelBundle.load(modelDir)));

    try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"), 0)) {
      new SchemaRegistration(registry.ccompatUrl()).registerProject();
      ScorerConfig jsonOut = config(bootstrap, registry.url(), dir, "json", "comment-labels");
      ScorerConfig registryOut =
          config(bootstrap, registry.url(), dir, "registry", prefix + "labels-registry");
      for (ScorerConfig c : List.of(jsonOut, registryOut)) {
        TopicSetup.createMissing(bootstrap, TopicSetup.specs(c, models.current().labels()), 2);
      }
      try (KafkaStreams a =
              new KafkaStreams(
                  ScoringTopology.build(jsonOut, models), jsonOut.streamsProperties());
          KafkaStreams b =
              new KafkaStreams(
                  ScoringTopology.build(registryOut, models), registryOut.streamsProperties())) {
        a.start();
        b.start();

        Set<String> expected = new HashSet<>();
        python("produce_json.py", bootstrap, "" + EACH, prefix + "json-");
        python("produce_registry.py", bootstrap, registry.ccompatUrl(), "" + EACH, prefix + "reg-");
        python(
            "produce_avro.py",
            bootstrap,
            COMMENT_AVSC.resolve("Comment.avsc").toString(),
            "" + EACH,
            prefix + "avro-");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < EACH; i++) {
          lines.append(prefix).append("kcat-").append(i).append("|{\"text\": \"kcat ").append(i);
          lines.append("\"}\n");
        }
        Result kcat =
            run(
                Duration.ofSeconds(60),
                lines.toString(),
                List.of(
                    "kcat",
                    "-P",
                    "-b",
                    bootstrap,
                    "-t",
                    "comments",
                    "-K",
                    "|",
                    "-H",
                    "content-type=application/json"));
        assertThat(kcat.ok()).as("kcat -P: %s", kcat.output()).isTrue();
        for (String kind : List.of("json-", "reg-", "avro-", "kcat-")) {
          for (int i = 0; i < EACH; i++) {
            expected.add(prefix + kind + i);
          }
        }

        // The Python consumer, in each output format.
        assertThat(consumeWithPython(bootstrap, "comment-labels", null, prefix))
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(
                consumeWithPython(
                    bootstrap, prefix + "labels-registry", registry.ccompatUrl(), prefix))
            .containsExactlyInAnyOrderElementsOf(expected);

        // kcat prints the JSON events as they are: one readable object per line, one per comment.
        Result read =
            run(
                Duration.ofSeconds(60),
                "kcat",
                "-C",
                "-b",
                bootstrap,
                "-t",
                "comment-labels",
                "-o",
                "beginning",
                "-e",
                "-q",
                "-X",
                "isolation.level=read_committed",
                "-f",
                "%s\n");
        assertThat(read.ok()).as("kcat -C: %s", read.output()).isTrue();
        List<String> ids = new ArrayList<>();
        for (String line : read.output().split("\n")) {
          if (line.contains("\"" + prefix)) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.get("scores").size()).isEqualTo(models.current().labels().size());
            ids.add(event.get("comment_id").asText());
          }
        }
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);

        // The registry-format events, read back in Java with the registry serdes: no duplicates.
        List<ConsumerRecord<String, byte[]>> records =
            ItSupport.readUntil(
                bootstrap,
                prefix + "labels-registry",
                Duration.ofSeconds(20),
                got -> got.size() > expected.size());
        try (Deserializer<LabelEvent> events =
            SchemaRegistry.at(registry.url()).<LabelEvent>deserializer()) {
          List<String> keys = new ArrayList<>();
          for (ConsumerRecord<String, byte[]> r : records) {
            assertThat(r.value()[0]).as("Confluent magic byte").isEqualTo((byte) 0);
            assertThat(
                    new String(
                        r.headers().lastHeader(WireFormat.CONTENT_TYPE_HEADER).value(),
                        StandardCharsets.UTF_8))
                .isEqualTo(WireFormat.REGISTRY.contentType());
            keys.add(events.deserialize(r.topic(), r.value()).getCommentId());
          }
          assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        }
      }
    }
  }

  private static ScorerConfig config(
      String bootstrap, String registryUrl, Path dir, String format, String labels) {
    String app = "clients-it-" + format + "-" + System.nanoTime();
    Map<String, Object> s = ItSupport.scorerSettings(bootstrap, app, dir.resolve(app));
    s.put(ScorerConfig.MODEL_PATH, dir.resolve("model").toString());
    // The clients of docs/clients write to the default comments topic, as a user's would.
    s.put(ScorerConfig.TOPIC_COMMENTS, "comments");
    s.put(ScorerConfig.RELEASES_FOLLOW, false);
    s.put(ScorerConfig.SCHEMA_REGISTRY_URL, registryUrl);
    s.put(ScorerConfig.OUTPUT_FORMAT, format);
    s.put(ScorerConfig.TOPIC_LABELS, labels);
    s.put(ScorerConfig.TOPIC_FLAGGED_PREFIX, labels + "-flagged-");
    s.put(ScorerConfig.BATCH_SIZE, 8);
    return new ScorerConfig(s);
  }

  private static List<String> consumeWithPython(
      String bootstrap, String topic, String registryUrl, String prefix) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script("consume_labels.py"), bootstrap));
    cmd.add(topic);
    if (registryUrl != null) {
      cmd.add(registryUrl);
    }
    cmd.addAll(List.of("--until", "" + 4 * EACH, "--prefix", prefix, "--timeout", "150"));
    Result r = run(Duration.ofSeconds(180), null, cmd);
    assertThat(r.ok()).as("consume_labels.py: %s", r.output()).isTrue();
    List<String> ids = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        JsonNode event = JSON.readTree(line);
        assertThat(event.get("model_version").asText()).isEqualTo("t1");
        ids.add(event.get("comment_id").asText());
      }
    }
    return ids;
  }

  private static void python(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script(script)));
    cmd.addAll(List.of(args));
    Result r = run(Duration.ofSeconds(90), null, cmd);
    assertThat(r.ok()).as("%s: %s", script, r.output()).isTrue();
  }

  private static String script(String name) {
    return CLIENTS.resolve(name).toString();
  }

  private record Result(int exit, String stdout, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private static Result run(Duration timeout, String... cmd) throws Exception {
    return run(timeout, null, List.of(cmd));
  }

  /** Runs a command with stdin from {@code input}; stdout and stderr are kept apart. */
  private static Result run(Duration timeout, String input, List<String> cmd) throws Exception {
    Path out = Files.createTempFile("clients-it", ".out");
    Path err = Files.createTempFile("clients-it", ".err");
    try {
      Process p;
      try {
        p =
            new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
      } catch (IOException e) {
        return new Result(127, "", e.getMessage());
      }
      try (var stdin = p.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(124, Files.readString(out), "timed out: " + Files.readString(err));
      }
      String stdout = Files.readString(out);
      return new Result(p.exitValue(), stdout, stdout + Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}

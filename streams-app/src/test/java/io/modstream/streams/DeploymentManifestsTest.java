package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.modstream.schemas.LogFormat;
import io.modstream.schemas.ReleaseSigning;
import io.modstream.schemas.ServiceEndpoints;
import io.modstream.schemas.TopicSpec;
import io.modstream.trainer.TrainerCli;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests (docker/k8s) against the code: ports and probe paths of the metrics and
 * health server, the ConfigMap's settings, and the Strimzi topics against {@link TopicSetup}.
 */
class DeploymentManifestsTest {

  private static final Path K8S = Path.of("..", "docker", "k8s");

  /** The retraining service's default --http-port. */
  private static final int TRAINER_HTTP_PORT =
      (Integer)
          TrainerCli.commandLine()
              .getSubcommands()
              .get("serve")
              .getCommandSpec()
              .findOption("--http-port")
              .initialValue();

  /** The streams app's default http.port. */
  private static final int APP_HTTP_PORT =
      (Integer) ScorerConfig.DEFINITION.configKeys().get(ScorerConfig.HTTP_PORT).defaultValue;

  /** The labels of every bundle 'trainer train' makes from the Jigsaw data. */
  private static final List<String> JIGSAW_LABELS =
      List.of("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate");

  /** Partitions of the comment-keyed topics, as 'streams-app create-topics' makes them. */
  private static final int PIPELINE_PARTITIONS = 6;

  /** Brokers of a production cluster: enough for the automatic replication's full choice. */
  private static final int PRODUCTION_BROKERS = 3;

  /** Variables of the ConfigMap that are not configuration keys (read by the launch scripts). */
  private static final Set<String> NOT_CONFIG_KEYS = Set.of(LogFormat.ENV);

  private static List<JsonNode> docs;

  @BeforeAll
  static void load() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    JsonNode kustomization = yaml.readTree(K8S.resolve("kustomization.yaml").toFile());
    docs = new ArrayList<>();
    for (JsonNode resource : kustomization.get("resources")) {
      try (MappingIterator<JsonNode> it =
          yaml.readerFor(JsonNode.class).readValues(K8S.resolve(resource.asText()).toFile())) {
        while (it.hasNext()) {
          JsonNode doc = it.next();
          if (doc != null && !doc.isEmpty()) {
            docs.add(doc);
          }
        }
      }
    }
  }

  private static Stream<JsonNode> ofKind(String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText()));
  }

  private static JsonNode one(String kind, String name) {
    List<JsonNode> found =
        ofKind(kind).filter(d -> name.equals(d.at("/metadata/name").asText())).toList();
    assertThat(found).as("%s %s in docker/k8s", kind, name).hasSize(1);
    return found.get(0);
  }

  private static JsonNode container(JsonNode deployment) {
    JsonNode containers = deployment.at("/spec/template/spec/containers");
    assertThat(containers.size()).as("containers of %s", deployment.at("/metadata/name")).isOne();
    return containers.get(0);
  }

  /** Checks the container's named port and that every probe uses it on the contract's paths. */
  private static void assertProbes(JsonNode container, int port) {
    JsonNode ports = container.get("ports");
    assertThat(ports.size()).isOne();
    assertThat(ports.get(0).get("name").asText()).isEqualTo("http");
    assertThat(ports.get(0).get("containerPort").asInt()).isEqualTo(port);
    assertThat(container.at("/livenessProbe/httpGet/path").asText())
        .isEqualTo(ServiceEndpoints.LIVE);
    assertThat(container.at("/startupProbe/httpGet/path").asText())
        .isEqualTo(ServiceEndpoints.LIVE);
    assertThat(container.at("/readinessProbe/httpGet/path").asText())
        .isEqualTo(ServiceEndpoints.READY);
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("http");
    }
    assertThat(container.at("/resources/requests/memory").isMissingNode()).isFalse();
    assertThat(container.at("/resources/limits/memory").asText())
        .isEqualTo(container.at("/resources/requests/memory").asText());
  }

  private static Map<String, String> configMap() {
    Map<String, String> data = new TreeMap<>();
    one("ConfigMap", "modstream-streams-app")
        .get("data")
        .properties()
        .forEach(e -> data.put(e.getKey(), e.getValue().asText()));
    return data;
  }

  @Test
  void streamsAppIsProbedOnItsHttpPort() {
    JsonNode deployment = one("Deployment", "streams-app");
    assertProbes(container(deployment), APP_HTTP_PORT);
    assertThat(configMap()).containsEntry("MODSTREAM_HTTP_PORT", Integer.toString(APP_HTTP_PORT));
    assertThat(container(deployment).at("/envFrom/0/configMapRef/name").asText())
        .isEqualTo("modstream-streams-app");
    assertThat(
            one("Service", "streams-app").at("/spec/ports").findValuesAsText("port").stream()
                .toList())
        .containsExactly(Integer.toString(APP_HTTP_PORT));
  }

  @Test
  void streamsAppKeepsOneInstanceThroughDisruptions() {
    JsonNode deployment = one("Deployment", "streams-app");
    JsonNode pdb = one("PodDisruptionBudget", "streams-app");
    assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThan(1);
    assertThat(pdb.at("/spec/minAvailable").asInt())
        .isBetween(1, deployment.at("/spec/replicas").asInt() - 1);
    assertThat(pdb.at("/spec/selector/matchLabels"))
        .isEqualTo(deployment.at("/spec/selector/matchLabels"));
    assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
  }

  @Test
  void configMapIsAValidConfiguration(@TempDir Path dir) throws IOException {
    Map<String, String> env = configMap();
    Map<String, Object> props = new HashMap<>();
    env.forEach(
        (k, v) -> {
          assertThat(k).startsWith(ScorerConfig.ENV_PREFIX);
          if (NOT_CONFIG_KEYS.contains(k)) {
            return;
          }
          String key =
              k.substring(ScorerConfig.ENV_PREFIX.length())
                  .toLowerCase(Locale.ROOT)
                  .replace('_', '.');
          assertThat(ScorerConfig.DEFINITION.names())
              .as("%s names a configuration key", k)
              .contains(key);
          props.put(key, v);
        });
    // The trusted key is mounted from a ConfigMap at run time: validate with a real key file.
    ReleaseSigning.KeyFiles keys = ReleaseSigning.generate(dir, "release-signing");
    props.put(ScorerConfig.MODEL_TRUSTED_KEYS, keys.publicKey().toString());
    ScorerConfig config = new ScorerConfig(props);
    assertThat(config.signaturesRequired()).isTrue();
    assertThat(Replication.of(config, PRODUCTION_BROKERS))
        .isEqualTo(Replication.auto(PRODUCTION_BROKERS));
    JsonNode mounts = container(one("Deployment", "streams-app")).get("volumeMounts");
    String keyDir = Path.of(env.get("MODSTREAM_MODEL_TRUSTED_KEYS")).getParent().toString();
    assertThat(mounts.findValuesAsText("mountPath"))
        .contains(keyDir, env.get("MODSTREAM_STATE_DIR"));
  }

  @Test
  void retrainingServiceIsProbedAndKeepsItsReleaseStore() {
    JsonNode deployment = one("Deployment", "retraining-service");
    JsonNode container = container(deployment);
    assertProbes(container, TRAINER_HTTP_PORT);
    List<String> args = new ArrayList<>();
    container.get("args").forEach(a -> args.add(a.asText()));
    assertThat(args.get(0)).isEqualTo("serve");
    assertThat(args.get(args.indexOf("--http-port") + 1))
        .isEqualTo(Integer.toString(TRAINER_HTTP_PORT));
    assertThat(deployment.at("/spec/replicas").asInt()).isOne();
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");

    Map<String, String> env = new HashMap<>();
    container.get("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
    // The streams app has no access to the store: bundles go through Kafka.
    assertThat(env).containsEntry("MODSTREAM_BUNDLE_TOPIC", "model-bundles");
    String store = env.get("MODSTREAM_RELEASE_STORE");
    JsonNode mount = null;
    for (JsonNode m : container.get("volumeMounts")) {
      if (m.get("mountPath").asText().equals(store)) {
        mount = m;
      }
    }
    assertThat(mount).as("a volume at the release store %s", store).isNotNull();
    String volume = mount.get("name").asText();
    String claim = null;
    for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
      if (v.get("name").asText().equals(volume)) {
        claim = v.at("/persistentVolumeClaim/claimName").asText();
      }
    }
    assertThat(one("PersistentVolumeClaim", claim).at("/spec/accessModes/0").asText())
        .isEqualTo("ReadWriteOnce");
  }

  @Test
  void kafkaTopicsAreThePipelinesTopics(@TempDir Path dir) {
    ScorerConfig config = new ScorerConfig(Map.of(ScorerConfig.MODEL_PATH, dir.toString()));
    Replication replication = Replication.auto(PRODUCTION_BROKERS);
    Map<String, JsonNode> topics =
        ofKind("KafkaTopic")
            .collect(Collectors.toMap(t -> t.at("/metadata/name").asText(), t -> t));
    List<TopicSpec<?>> specs = TopicSetup.specs(config, JIGSAW_LABELS);
    assertThat(topics.keySet())
        .containsExactlyInAnyOrderElementsOf(specs.stream().map(TopicSpec::name).toList());
    for (TopicSpec<?> spec : specs) {
      JsonNode topic = topics.get(spec.name());
      assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("modstream");
      assertThat(topic.at("/spec/partitions").asInt())
          .as("partitions of %s", spec.name())
          .isEqualTo(spec.partitions(PIPELINE_PARTITIONS));
      assertThat(topic.at("/spec/replicas").asInt())
          .as("replicas of %s", spec.name())
          .isEqualTo(replication.factor());
      Map<String, String> expected = new TreeMap<>(replication.topicConfigs());
      expected.putAll(spec.configs());
      Map<String, String> actual = new TreeMap<>();
      topic
          .at("/spec/config")
          .properties()
          .forEach(e -> actual.put(e.getKey(), e.getValue().asText()));
      assertThat(actual).as("config of %s", spec.name()).isEqualTo(expected);
    }
  }

  @Test
  void serviceMonitorScrapesBothServices() {
    JsonNode monitor = one("ServiceMonitor", "modstream");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo(ServiceEndpoints.METRICS);
    List<String> selected = new ArrayList<>();
    monitor.at("/spec/selector/matchExpressions/0/values").forEach(v -> selected.add(v.asText()));
    assertThat(monitor.at("/spec/selector/matchExpressions/0/key").asText())
        .isEqualTo("app.kubernetes.io/name");
    for (String service : List.of("streams-app", "retraining-service")) {
      assertThat(selected).contains(service);
      assertThat(one("Service", service).at("/metadata/labels/app.kubernetes.io~1name").asText())
          .isEqualTo(service);
      assertThat(one("Service", service).at("/spec/ports/0/name").asText()).isEqualTo("http");
    }
  }
}

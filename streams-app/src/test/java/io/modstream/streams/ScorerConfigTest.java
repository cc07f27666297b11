package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.EngineOptions;
import io.modstream.schemas.ReleaseSigning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerConfigTest {

  @TempDir Path dir;

  @Test
  void environmentOverridesTheFileAndKafkaKeysPassThrough() throws Exception {
    Path file = dir.resolve("app.properties");
    Files.writeString(file, "model.path=" + dir + "\nbatch.size=64\nkafka.linger.ms=5\n");
    ScorerConfig cfg =
        ScorerConfig.load(
            file,
            Map.of(
                "MODSTREAM_BATCH_SIZE",
                "128",
                "MODSTREAM_KAFKA_NUM_STREAM_THREADS",
                "2",
                "HOME",
                "/root",
                "MODSTREAM_JAVA_OPTS",
                "-Xmx1g"));
    assertThat(cfg.getInt(ScorerConfig.BATCH_SIZE)).isEqualTo(128);
    Properties p = cfg.streamsProperties();
    assertThat(p.get("linger.ms")).isEqualTo("5");
    assertThat(p.get("num.stream.threads")).isEqualTo("2");
    assertThat(p.get("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(p.get("application.id")).isEqualTo("modstream-scorer");
    assertThat(p.get("processing.exception.handler.global.enabled")).isEqualTo(true);
  }

  @Test
  @SuppressWarnings("deprecation") // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG
  void theStreamThreadsPartitionAssignorsSeeTheGlobalHandlerSettingToo() {
    Properties p = new ScorerConfig(Map.of("model.path", dir.toString())).streamsProperties();
    // Each stream thread's partition assignor builds a StreamsConfig from its main consumer's
    // configs, and Kafka Streams 4.x logs a WARN there while this setting is off.
    Map<String, Object> consumer =
        new StreamsConfig(p).getMainConsumerConfigs("modstream-scorer", "client", 0);
    assertThat(
            new StreamsConfig(consumer)
                .getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG))
        .isTrue();
  }

  @Test
  void badValuesNameTheKeyAndTheFix() {
    assertThatThrownBy(
            () -> new ScorerConfig(Map.of("model.path", dir.toString(), "batch.size", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch.size");
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of("model.path", dir.toString(), "processing.guarantee", "exactly_once")))
        .hasMessageContaining("processing.guarantee");
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of("model.path", dir.toString(), "scoring.engine", "tensorrt")))
        .hasMessageContaining("scoring.engine")
        .hasMessageContaining("onnx");
    assertThatThrownBy(
            () -> new ScorerConfig(Map.of("model.path", dir.toString(), "linger.ms", "5")))
        .hasMessageContaining("kafka.linger.ms");
    assertThatThrownBy(() -> new ScorerConfig(Map.of()))
        .hasMessageContaining("model.path")
        .hasMessageContaining("trainer train");
    assertThatThrownBy(
            () -> new ScorerConfig(Map.of("model.path", dir.resolve("missing").toString())))
        .hasMessageContaining("not a directory");
  }

  @Test
  void engineKnobsAreConfigurationKeysCheckedAtStart() {
    ScorerConfig defaults = new ScorerConfig(Map.of("model.path", dir.toString()));
    assertThat(defaults.engineOptions()).isEqualTo(EngineOptions.DEFAULT);
    ScorerConfig set =
        new ScorerConfig(
            Map.of(
                "model.path",
                dir.toString(),
                "scoring.onnx.recurrence",
                "folded",
                "scoring.onnx.call.costs",
                "20, 2, 4, 0, 18, 2.5",
                "scoring.onnx.cuda.tf32",
                "true"));
    assertThat(set.engineOptions())
        .isEqualTo(
            new EngineOptions(
                EngineOptions.Recurrence.FOLDED, List.of(20.0, 2.0, 4.0, 0.0, 18.0, 2.5), true));
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of("model.path", dir.toString(), "scoring.onnx.call.costs", "20,2,4")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("scoring.onnx.call.costs")
        .hasMessageContaining("six numbers");
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of("model.path", dir.toString(), "scoring.onnx.recurrence", "scan")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("scoring.onnx.recurrence");
  }

  @Test
  void twoStreamThreadsUnlessKafkaSettingsSayOtherwise() {
    assertThat(new ScorerConfig(Map.of("model.path", dir.toString())).streamsProperties())
        .containsEntry("num.stream.threads", ScorerConfig.DEFAULT_STREAM_THREADS);
    assertThat(
            new ScorerConfig(Map.of("model.path", dir.toString(), "kafka.num.stream.threads", "1"))
                .streamsProperties())
        .containsEntry("num.stream.threads", "1");
  }

  @Test
  void theReferenceTableListsEveryKey() {
    String table = ScorerConfig.referenceTable();
    for (String key : ScorerConfig.DEFINITION.names()) {
      assertThat(table).contains("`" + key + "`");
    }
  }

  @Test
  void releasesAreVerifiedOnlyWithTrustedKeysAndThenMustBeSignedByDefault() throws Exception {
    ScorerConfig none = new ScorerConfig(Map.of("model.path", dir.toString()));
    assertThat(none.trustedKeys().isEmpty()).isTrue();
    assertThat(none.signaturesRequired()).isFalse();

    ReleaseSigning.KeyFiles a = ReleaseSigning.generate(dir.resolve("keys"), "a");
    ReleaseSigning.KeyFiles b = ReleaseSigning.generate(dir.resolve("keys"), "b");
    ScorerConfig two =
        new ScorerConfig(
            Map.of(
                "model.path",
                dir.toString(),
                "model.trusted.keys",
                a.publicKey() + ", " + b.publicKey()));
    assertThat(two.trustedKeys().ids()).containsExactlyInAnyOrder(a.keyId(), b.keyId());
    assertThat(two.signaturesRequired()).isTrue();
    ScorerConfig migrating =
        new ScorerConfig(
            Map.of(
                "model.path",
                dir.toString(),
                "model.trusted.keys",
                a.publicKey().toString(),
                "model.require.signature",
                "false"));
    assertThat(migrating.signaturesRequired()).isFalse();
    assertThat(migrating.trustedKeys().ids()).containsExactly(a.keyId());
  }

  @Test
  void aTrustedKeyThatIsNotAPublicKeyFileFailsAtStart() throws Exception {
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of(
                        "model.path",
                        dir.toString(),
                        "model.trusted.keys",
                        dir.resolve("missing.pub").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.trusted.keys")
        .hasMessageContaining("missing.pub");
    Path privateOnly = Files.writeString(dir.resolve("x.pub"), "-----BEGIN PRIVATE KEY-----\n");
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of(
                        "model.path",
                        dir.toString(),
                        "model.trusted.keys",
                        privateOnly.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("has no PUBLIC KEY PEM block");
  }

  @Test
  void requiringSignaturesWithoutTrustedKeysIsAnErrorNamingBothKeys() {
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of("model.path", dir.toString(), "model.require.signature", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.require.signature")
        .hasMessageContaining("model.trusted.keys")
        .hasMessageContaining("trainer keys generate");
  }

  @Test
  void internalTopicsGetTheResolvedReplicationAndEveryProducerWaitsForAllReplicas() {
    for (String guarantee : List.of("exactly_once_v2", "at_least_once")) {
      ScorerConfig cfg =
          new ScorerConfig(Map.of("model.path", dir.toString(), "processing.guarantee", guarantee));
      Properties p = cfg.streamsProperties(Replication.auto(3));
      StreamsConfig streams = new StreamsConfig(p);
      assertThat(streams.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
      assertThat(p).containsEntry("topic.min.insync.replicas", "2");
      assertThat(streams.getProducerConfigs("client").get(ProducerConfig.ACKS_CONFIG))
          .as(guarantee)
          .isIn("all", "-1");
    }
    // without a resolved replication Kafka Streams keeps its own default (the broker's)
    assertThat(
            new StreamsConfig(
                    new ScorerConfig(Map.of("model.path", dir.toString())).streamsProperties())
                .getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG))
        .isEqualTo(-1);
  }

  @Test
  void replicationKeysAreValidatedAgainstEachOther() {
    assertThatThrownBy(
            () -> new ScorerConfig(Map.of("model.path", dir.toString(), "replication.factor", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("replication.factor")
        .hasMessageContaining("-1 for the automatic choice");
    assertThatThrownBy(
            () ->
                new ScorerConfig(
                    Map.of(
                        "model.path",
                        dir.toString(),
                        "replication.factor",
                        "2",
                        "min.insync.replicas",
                        "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("min.insync.replicas")
        .hasMessageContaining("replication.factor=2");
    assertThatThrownBy(
            () ->
                new ScorerConfig(Map.of("model.path", dir.toString(), "stall.threshold.ms", "10")))
        .hasMessageContaining("stall.threshold.ms");
  }

  @Test
  void staticMembershipAndAShortSessionTimeoutUnlessKafkaSettingsSayOtherwise() {
    Properties dynamic = new ScorerConfig(Map.of("model.path", dir.toString())).streamsProperties();
    assertThat(dynamic).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    Map<String, Object> consumer =
        new StreamsConfig(dynamic).getMainConsumerConfigs("modstream-scorer", "client", 0);
    assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))
        .isEqualTo(ScorerConfig.DEFAULT_SESSION_TIMEOUT_MS);
    Properties fixed =
        new ScorerConfig(
                Map.of(
                    "model.path",
                    dir.toString(),
                    "instance.id",
                    "scorer-0",
                    "kafka.session.timeout.ms",
                    "30000"))
            .streamsProperties();
    Map<String, Object> staticConsumer =
        new StreamsConfig(fixed).getMainConsumerConfigs("modstream-scorer", "client", 1);
    // Kafka Streams gives each stream thread its own member id from the instance's
    assertThat(staticConsumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)).isEqualTo("scorer-0-1");
    assertThat(staticConsumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo("30000");
  }
}

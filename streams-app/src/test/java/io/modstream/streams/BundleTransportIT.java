package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.model.ModelBundle;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.BundleTransport;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.Topics;
import io.modstream.trainer.retrain.ReleaseStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bundles carried through Kafka: an instance with no access to the store serves a release. */
@ExtendWith(KafkaBrokerExtension.class)
// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("try") // ScoringService.close() may throw InterruptedException
class BundleTransportIT {

  @Test
  void anInstanceWithoutTheStoreServesAReleaseCarriedThroughKafka(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    String app = "transport-it-" + System.nanoTime();
    Map<String, Object> settings =
        ItSupport.scorerSettings(broker.bootstrapServers(), app, dir.resolve("instance"));
    ScorerConfig cfg = new ScorerConfig(settings);
    TopicSetup.createMissing(
        broker.bootstrapServers(),
        TopicSetup.specs(cfg, TestData.tinyModel().bundle().info().labels()),
        1);
    String chunks = app + "-bundles";
    TopicSetup.createMissing(
        broker.bootstrapServers(), List.of(Topics.MODEL_BUNDLES.withName(chunks)), 1);

    Path bundle = dir.resolve("t1");
    TestData.tinyModel().bundle().save(bundle);
    ModelRelease release =
        new ReleaseStore(
                dir.resolve("trainer-store"), broker.bootstrapServers(), app + "-releases", chunks)
            .release(bundle, null);
    assertThat(release.getBundleUri()).isEqualTo("kafka://" + chunks + "/tiny/t1");

    try (ScoringService instance = new ScoringService(cfg)) {
      assertThat(instance.models().current().info().version()).isEqualTo("t1");
    }
    Path fetched = dir.resolve("instance").resolve("bundles").resolve("tiny").resolve("t1");
    assertThat(ModelBundle.digest(fetched)).isEqualTo(release.getBundleSha256());

    // A chunk replaced in transit (same key, other bytes) is caught on reassembly.
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      RecordHeaders h = new RecordHeaders();
      h.add("modstream.bundle.file", ModelBundle.VOCABULARY_FILE.getBytes(StandardCharsets.UTF_8));
      h.add("modstream.bundle.chunk", "0".getBytes(StandardCharsets.UTF_8));
      h.add("modstream.bundle.chunks", "1".getBytes(StandardCharsets.UTF_8));
      h.add("modstream.bundle.file.sha256", "00".repeat(32).getBytes(StandardCharsets.UTF_8));
      p.send(
              new ProducerRecord<>(
                  chunks,
                  null,
                  "tiny/t1/" + ModelBundle.VOCABULARY_FILE + "/0",
                  "<pad>\n<unk>\nevil\n".getBytes(StandardCharsets.UTF_8),
                  h))
          .get();
    }
    assertThatThrownBy(
            () ->
                BundleTransport.fetch(
                    broker.bootstrapServers(), release.getBundleUri(), dir.resolve("other-host")))
        .hasMessageContaining(ModelBundle.VOCABULARY_FILE)
        .hasMessageContaining("SHA-256");
  }
}

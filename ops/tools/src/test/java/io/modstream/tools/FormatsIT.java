package io.modstream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.registry.LocalRegistry;
import io.modstream.registry.SchemaRegistration;
import io.modstream.schemas.Comment;
import io.modstream.schemas.CommentReader;
import io.modstream.schemas.JsonRecords;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.WireFormat;
import io.modstream.streams.ItSupport;
import io.modstream.streams.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** produce writes, and tail reads, JSON and the registry's wire format, with a real registry. */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FormatsIT {

  private static final Path SAMPLE = Path.of("..", "..", "data", "sample", "jigsaw-sample.csv.gz");

  @Test
  void produceAndTailSpeakJsonAndTheRegistryFormat(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    String bootstrap = broker.bootstrapServers();
    try (LocalRegistry registry = LocalRegistry.start(dir, 0)) {
      new SchemaRegistration(registry.ccompatUrl()).registerProject();
      String jsonTopic = created(bootstrap, "formats-json-");
      String registryTopic = created(bootstrap, "formats-registry-");
      assertThat(produce(bootstrap, jsonTopic, "json")).isZero();
      assertThat(produce(bootstrap, registryTopic, "registry", "--registry", registry.url()))
          .isZero();

      CommentReader reader = new CommentReader(SchemaRegistry.at(registry.url()));
      for (String topic : List.of(jsonTopic, registryTopic)) {
        List<ConsumerRecord<String, byte[]>> records =
            ItSupport.readUntil(bootstrap, topic, Duration.ofSeconds(30), r -> r.size() >= 3);
        assertThat(records).hasSize(3);
        for (ConsumerRecord<String, byte[]> r : records) {
          WireFormat format = WireFormat.detect(r.value(), r.headers());
          assertThat(format)
              .isEqualTo(topic.equals(jsonTopic) ? WireFormat.JSON : WireFormat.REGISTRY);
          Comment c = reader.read(format, topic, r.key(), r.value(), r.headers(), 0);
          assertThat(c.getCommentId()).isEqualTo(r.key());
          assertThat(c.getText()).isNotBlank();
        }
      }

      // tail reads label events in either output format, taking the registry from --registry.
      String events = created(bootstrap, "formats-events-");
      try (KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap);
          Serializer<LabelEvent> viaRegistry = SchemaRegistry.at(registry.url()).serializer()) {
        producer.send(
            new ProducerRecord<>(events, "e-json", JsonRecords.labelEvent(event("e-json"))));
        producer.send(
            new ProducerRecord<>(events, "e-reg", viaRegistry.serialize(events, event("e-reg"))));
      }
      ItSupport.Printed<Integer> tail =
          ItSupport.stdoutOf(
              () ->
                  ToolsCli.commandLine()
                      .execute(
                          "tail",
                          "--topic",
                          events,
                          "--bootstrap",
                          bootstrap,
                          "--registry",
                          registry.url(),
                          "--from-beginning",
                          "--max",
                          "2",
                          "--format",
                          "json"));
      assertThat(tail.value()).isZero();
      assertThat(tail.text()).contains("\"comment_id\":\"e-json\"", "\"comment_id\":\"e-reg\"");
    }
  }

  private static int produce(String bootstrap, String topic, String format, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "produce",
                "--file",
                SAMPLE.toString(),
                "--topic",
                topic,
                "--bootstrap",
                bootstrap,
                "--limit",
                "3",
                "--format",
                format));
    args.addAll(List.of(more));
    return ToolsCli.commandLine().execute(args.toArray(String[]::new));
  }

  private static String created(String bootstrap, String prefix) throws Exception {
    String topic = prefix + System.nanoTime();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    return topic;
  }

  private static LabelEvent event(String id) {
    return LabelEvent.newBuilder()
        .setCommentId(id)
        .setModelName("m")
        .setModelVersion("v1")
        .setScores(Map.of("toxic", 0.5))
        .setFlagged(List.of())
        .setDecidedAt(Instant.ofEpochMilli(1))
        .setScoringLatencyMicros(1)
        .build();
  }
}

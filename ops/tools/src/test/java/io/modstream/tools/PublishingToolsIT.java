package io.modstream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.Feedback;
import io.modstream.streams.ItSupport;
import io.modstream.streams.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * produce and feedback publish the committed sample's rows as their records, from the tools' own
 * class path (model-core without its engines).
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PublishingToolsIT {

  private static final Path SAMPLE = Path.of("..", "..", "data", "sample", "jigsaw-sample.csv.gz");

  @Test
  void producePublishesComments(KafkaBrokerExtension.Broker broker) throws Exception {
    String topic = created(broker, "produce-it-" + System.nanoTime());
    assertThat(Files.isRegularFile(SAMPLE)).as(SAMPLE.toAbsolutePath().toString()).isTrue();

    int exit =
        ToolsCli.commandLine()
            .execute(
                "produce",
                "--file",
                SAMPLE.toString(),
                "--topic",
                topic,
                "--bootstrap",
                broker.bootstrapServers(),
                "--limit",
                "5");

    assertThat(exit).isZero();
    List<ConsumerRecord<String, byte[]>> records =
        ItSupport.readUntil(
            broker.bootstrapServers(), topic, Duration.ofSeconds(30), r -> r.size() >= 5);
    assertThat(records).hasSize(5);
    AvroCodec<Comment> codec = AvroCodec.of(Comment.class);
    for (ConsumerRecord<String, byte[]> r : records) {
      Comment c = codec.decode(r.value());
      assertThat(c.getCommentId()).isEqualTo(r.key());
      assertThat(c.getText()).isNotBlank();
    }
  }

  @Test
  void feedbackPublishesVerdicts(KafkaBrokerExtension.Broker broker) throws Exception {
    String topic = created(broker, "feedback-it-" + System.nanoTime());

    int exit =
        ToolsCli.commandLine()
            .execute(
                "feedback",
                "--file",
                SAMPLE.toString(),
                "--topic",
                topic,
                "--bootstrap",
                broker.bootstrapServers(),
                "--limit",
                "3",
                "--reviewer",
                "it-reviewer");

    assertThat(exit).isZero();
    List<ConsumerRecord<String, byte[]>> records =
        ItSupport.readUntil(
            broker.bootstrapServers(), topic, Duration.ofSeconds(30), r -> r.size() >= 3);
    assertThat(records).hasSize(3);
    AvroCodec<Feedback> codec = AvroCodec.of(Feedback.class);
    for (ConsumerRecord<String, byte[]> r : records) {
      Feedback f = codec.decode(r.value());
      assertThat(f.getCommentId()).isEqualTo(r.key());
      assertThat(f.getReviewerId()).isEqualTo("it-reviewer");
      assertThat(f.getLabels()).containsKeys("toxic", "identity_hate");
    }
  }

  private static String created(KafkaBrokerExtension.Broker broker, String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    return topic;
  }
}

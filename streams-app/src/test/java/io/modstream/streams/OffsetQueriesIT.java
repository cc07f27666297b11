package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.trainer.retrain.FeedbackLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code trainer serve}'s feedback count (every 10 s) gives the right count without a warning per
 * partition (the tools' {@code count} shares its {@code ModelReleases.recordCount}): kafka-clients
 * 4.0-4.3 log "Not updating last stable offset for partition ... as it is no longer assigned" for
 * every offset listed by a consumer that has not assigned the partition (KAFKA-20449), which filled
 * the local stack's trainer log at every count.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OffsetQueriesIT {

  @Test
  void countsATopicWithoutAWarningPerPartition(KafkaBrokerExtension.Broker broker)
      throws Exception {
    String topic = "offset-queries-it-" + System.nanoTime();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    try (KafkaProducer<String, byte[]> producer = ItSupport.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 7; i++) {
        producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, new byte[] {1})).get();
      }
    }

    ItSupport.Printed<Long> feedbackSize =
        ItSupport.stderrOf(
            () -> FeedbackLog.size(broker.bootstrapServers(), topic, Duration.ofSeconds(30)));
    assertThat(feedbackSize.value()).isEqualTo(7L);
    assertThat(feedbackSize.text()).doesNotContain("no longer assigned");
  }
}

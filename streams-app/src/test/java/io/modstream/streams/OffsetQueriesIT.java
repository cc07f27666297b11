package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.streams.tools.CountCommand;
import io.modstream.trainer.retrain.FeedbackLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The tools that count a topic's records ({@code trainer serve}'s feedback count, every 10 s, and
 * {@code streams-app count}) give the right count without a warning per partition: kafka-clients
 * 4.0-4.3 log "Not updating last stable offset for partition ... as it is no longer assigned" for
 * every offset listed by a consumer that has not assigned the partition (KAFKA-20449), which
 * filled the local stack's trainer log with 12 lines every 10 s.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OffsetQueriesIT {

  @Test
  void countsATopicWithoutAWarningPerPartition(KafkaBrokerExtension.Broker broker) throws Exception {
    String topic = "offset-queries-it-" + System.nanoTime();
    try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    try (KafkaProducer<String, byte[]> producer = ItSupport.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 7; i++) {
        producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, new byte[] {1})).get();
      }
    }

    Logged feedbackSize = stderrOf(() -> FeedbackLog.size(broker.bootstrapServers(), topic, java.time.Duration.ofSeconds(30)));
    assertThat(feedbackSize.value).isEqualTo(7L);
    assertThat(feedbackSize.stderr).doesNotContain("no longer assigned");

    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream before = System.out;
    Logged count;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      count = stderrOf(() -> new CommandLine(new CountCommand()).execute("--topic", topic, "--bootstrap", broker.bootstrapServers()));
    } finally {
      System.setOut(before);
    }
    assertThat(count.value).isEqualTo(0);
    assertThat(stdout.toString(StandardCharsets.UTF_8).trim()).isEqualTo("7");
    assertThat(count.stderr).doesNotContain("no longer assigned");
  }

  private record Logged(Object value, String stderr) {
  }

  /** Runs {@code body} with System.err captured (slf4j-simple looks System.err up at each line). */
  private static Logged stderrOf(Callable<?> body) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      Object value = body.call();
      return new Logged(value, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(before);
    }
  }
}

package io.modstream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.kafka.LocalKafka;
import io.modstream.streams.ItSupport;
import io.modstream.streams.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without --bootstrap the tools follow the local stack's stack.properties, and where no broker
 * answers they stop within --connect-timeout with the fixes instead of retrying (and warning)
 * forever.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerChoiceIT {

  private static final Path SAMPLE = Path.of("..", "..", "data", "sample", "jigsaw-sample.csv.gz");

  @TempDir Path localDir;

  @Test
  void toolsWithoutBootstrapFollowTheLocalStacksFile(KafkaBrokerExtension.Broker broker)
      throws Exception {
    String topic = "stack-file-it-" + System.nanoTime();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    Path stackFile = localDir.resolve("stack.properties");
    Files.writeString(stackFile, "bootstrap.servers=" + broker.bootstrapServers() + "\n");

    ItSupport.Printed<Integer> produce =
        withLocalDir(
            () ->
                ItSupport.stderrOf(
                    () ->
                        ToolsCli.commandLine()
                            .execute(
                                "produce",
                                "--file",
                                SAMPLE.toString(),
                                "--topic",
                                topic,
                                "--limit",
                                "4")));

    assertThat(produce.value()).as(produce.text()).isZero();
    assertThat(produce.text())
        .contains("using Kafka at " + broker.bootstrapServers() + " (from " + stackFile + ")");
    List<ConsumerRecord<String, byte[]>> records =
        ItSupport.readUntil(
            broker.bootstrapServers(), topic, Duration.ofSeconds(30), r -> r.size() >= 4);
    assertThat(records).hasSize(4);

    ItSupport.Printed<Integer> count =
        withLocalDir(
            () ->
                ItSupport.stdoutOf(
                    () -> ToolsCli.commandLine().execute("count", "--topic", topic)));
    assertThat(count.value()).isZero();
    assertThat(count.text().trim()).isEqualTo("4");
  }

  @Test
  void aToolFailsFastWhereNoBrokerAnswers() throws Exception {
    String nowhere = "127.0.0.1:" + LocalKafka.freePort();

    long start = System.nanoTime();
    ItSupport.Printed<Integer> produce =
        ItSupport.stderrOf(
            () ->
                ToolsCli.commandLine()
                    .execute(
                        "produce",
                        "--file",
                        SAMPLE.toString(),
                        "--bootstrap",
                        nowhere,
                        "--connect-timeout",
                        "2"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(produce.value()).isEqualTo(1);
    assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
    assertThat(produce.text())
        .contains("using Kafka at " + nowhere + " (--bootstrap)")
        .contains("error: no Kafka broker answers at " + nowhere + " (--bootstrap) within 2 s")
        .contains("start the stack with ops/run-local", "or pass --bootstrap HOST:PORT")
        // The check's client warns at every retry; none of that reaches the user.
        .doesNotContain("could not be established")
        .doesNotContain("NetworkClient");
  }

  @Test
  void aStackFileLeftByAStoppedStackFailsFastNamingTheFile() throws Exception {
    Path stackFile = localDir.resolve("stack.properties");
    String nowhere = "127.0.0.1:" + LocalKafka.freePort();
    Files.writeString(stackFile, "bootstrap.servers=" + nowhere + "\n");

    ItSupport.Printed<Integer> tail =
        withLocalDir(
            () ->
                ItSupport.stderrOf(
                    () -> ToolsCli.commandLine().execute("tail", "--connect-timeout", "1")));

    assertThat(tail.value()).isEqualTo(1);
    assertThat(tail.text())
        .contains(
            "error: no Kafka broker answers at "
                + nowhere
                + " (from "
                + stackFile
                + ") within 1 s: start the stack with ops/run-local (it records its address in "
                + stackFile
                + ") or pass --bootstrap HOST:PORT");
  }

  private <T> T withLocalDir(Callable<T> body) throws Exception {
    String before = System.getProperty(BrokerOptions.LOCAL_DIR_PROPERTY);
    System.setProperty(BrokerOptions.LOCAL_DIR_PROPERTY, localDir.toString());
    try {
      return body.call();
    } finally {
      if (before == null) {
        System.clearProperty(BrokerOptions.LOCAL_DIR_PROPERTY);
      } else {
        System.setProperty(BrokerOptions.LOCAL_DIR_PROPERTY, before);
      }
    }
  }
}

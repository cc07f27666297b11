package io.modstream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.kafka.LocalKafka;
import io.modstream.kafka.SecuredStack;
import io.modstream.schemas.ClientSettings;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.Topics;
import io.modstream.streams.ItSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools on the secured local stack's broker ({@link SecuredStack}: SASL_SSL, SCRAM users, the
 * least-privilege ACLs), each given a principal's client config with {@code --client-config}: the
 * producer publishes comments but cannot publish a release nor read, the trainer's principal reads
 * them, and a tool without credentials or with wrong ones is stopped with a message that says so.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecuredToolsIT {

  private static final Path SAMPLE = Path.of("..", "..", "data", "sample", "jigsaw-sample.csv.gz");

  @Test
  void eachPrincipalDoesWhatItsAclsAllowThroughClientConfig(@TempDir Path dir) throws Exception {
    Path clients = dir.resolve("clients");
    try (LocalKafka kafka = SecuredStack.start(dir.resolve("kafka"), 0, "512m", clients)) {
      String bootstrap = kafka.bootstrapServers();
      Path admin = clients.resolve("admin.properties");
      Path producer = clients.resolve("producer.properties");
      Path trainer = clients.resolve("trainer.properties");
      for (Path f : List.of(admin, producer, trainer, clients.resolve("scorer.properties"))) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(f + " holds a password")
            .isEqualTo("rw-------");
      }
      try (Admin a = Admin.create(ClientSettings.connection(bootstrap, admin))) {
        a.createTopics(
                List.of(
                    new NewTopic(Topics.COMMENTS.name(), 2, (short) 1),
                    new NewTopic(Topics.MODEL_RELEASES.name(), 1, (short) 1)))
            .all()
            .get();
      }

      int produced =
          ToolsCli.commandLine()
              .execute(
                  "produce",
                  "--file",
                  SAMPLE.toString(),
                  "--bootstrap",
                  bootstrap,
                  "--client-config",
                  producer.toString(),
                  "--limit",
                  "5");
      assertThat(produced).as("the producer publishes comments").isZero();
      assertThat(count(bootstrap, trainer, Topics.COMMENTS.name()).text().trim())
          .as("the trainer's principal reads them (the console's ACLs)")
          .isEqualTo("5");

      assertThatThrownBy(
              () ->
                  ModelReleases.publish(
                      ClientSettings.connection(bootstrap, producer),
                      Topics.MODEL_RELEASES.name(),
                      release()))
          .as("the producer cannot publish a release")
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
      ItSupport.Printed<Integer> asProducer =
          ItSupport.stderrOf(
              () ->
                  ToolsCli.commandLine()
                      .execute(
                          "produce",
                          "--file",
                          SAMPLE.toString(),
                          "--topic",
                          Topics.MODEL_RELEASES.name(),
                          "--bootstrap",
                          bootstrap,
                          "--client-config",
                          producer.toString(),
                          "--limit",
                          "1"));
      assertThat(asProducer.value()).as(asProducer.text()).isNotZero();
      assertThat(count(bootstrap, trainer, Topics.MODEL_RELEASES.name()).text().trim())
          .as("nothing reached the releases topic")
          .isEqualTo("0");

      ItSupport.Printed<Integer> anonymous =
          ItSupport.stderrOf(
              () ->
                  ToolsCli.commandLine()
                      .execute(
                          "count",
                          "--topic",
                          Topics.COMMENTS.name(),
                          "--bootstrap",
                          bootstrap,
                          "--connect-timeout",
                          "3"));
      assertThat(anonymous.value()).as("without client settings: no connection").isEqualTo(1);
      assertThat(anonymous.text()).contains("no Kafka broker answers at " + bootstrap);

      Path wrong = dir.resolve("wrong.properties");
      Files.writeString(
          wrong, Files.readString(producer).replaceAll("password=\"[^\"]*\"", "password=\"x\""));
      ItSupport.Printed<Integer> badPassword =
          ItSupport.stderrOf(
              () ->
                  ToolsCli.commandLine()
                      .execute(
                          "count",
                          "--bootstrap",
                          bootstrap,
                          "--client-config",
                          wrong.toString(),
                          "--connect-timeout",
                          "10"));
      assertThat(badPassword.value()).isEqualTo(1);
      assertThat(badPassword.text()).contains("refused this client's credentials");
    }
  }

  private static ItSupport.Printed<Integer> count(String bootstrap, Path clientConfig, String topic)
      throws Exception {
    ItSupport.Printed<Integer> out =
        ItSupport.stdoutOf(
            () ->
                ToolsCli.commandLine()
                    .execute(
                        "count",
                        "--topic",
                        topic,
                        "--bootstrap",
                        bootstrap,
                        "--client-config",
                        clientConfig.toString()));
    assertThat(out.value()).as("count " + topic).isZero();
    return out;
  }

  private static ModelRelease release() {
    return ModelRelease.newBuilder()
        .setModelName("toxicity-bilstm")
        .setVersion("forged")
        .setBundleUri("file:///nowhere")
        .setBundleSha256("0".repeat(64))
        .setCreatedAt(Instant.now())
        .build();
  }
}

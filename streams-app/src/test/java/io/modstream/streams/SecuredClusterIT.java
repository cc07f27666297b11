package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.kafka.LocalKafka;
import io.modstream.kafka.ModstreamAcls;
import io.modstream.kafka.SecuredStack;
import io.modstream.model.testing.TestData;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.ClientSettings;
import io.modstream.schemas.Comment;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.ReleaseSigning;
import io.modstream.schemas.Topics;
import io.modstream.trainer.TrainerCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app on a broker with SASL_SSL (SCRAM-SHA-512), an authorizer that denies what no ACL allows,
 * and the least-privilege ACLs of {@link ModstreamAcls}: it scores comments that the producer
 * principal writes, while a user without ACLs can neither publish a release nor read label events,
 * and the app itself cannot publish a release. The topics are created by the admin, as an operator
 * would; the app has no CREATE on them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("try") // ScoringService.close() may throw InterruptedException
class SecuredClusterIT {

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);
  private static final Map<String, String> USERS =
      Map.of(
          "scorer", "scorer-secret",
          "trainer", "trainer-secret",
          "producer", "producer-secret",
          "intruder", "intruder-secret");

  @Test
  void leastPrivilegePrincipalsScoreAndOthersAreRefused(@TempDir Path dir) throws Exception {
    try (LocalKafka kafka = LocalKafka.startSecured(dir.resolve("kafka"), 0, "512m", USERS)) {
      String bootstrap = kafka.bootstrapServers();
      String app = "secured-it";
      Path modelDir = dir.resolve("model");
      TestData.tinyModel().bundle().save(modelDir);
      Map<String, Object> settings = ItSupport.scorerSettings(bootstrap, app, dir.resolve("state"));
      settings.put(ScorerConfig.MODEL_PATH, modelDir.toString());
      // not the topics' prefix: the app may write every topic named <application.id>-*
      String appId = "scorer";
      settings.put(ScorerConfig.APPLICATION_ID, appId);
      kafka
          .clientSettings("scorer", USERS.get("scorer"))
          .forEach((k, v) -> settings.put(ScorerConfig.KAFKA_PREFIX + k, v));
      ScorerConfig cfg = new ScorerConfig(settings);
      assertThat(ClientConnection.of(cfg))
          .as("the app's own clients connect as the scorer too")
          .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
          .containsKey("sasl.jaas.config");

      // The operator's path: the admin creates the topics and grants the ACLs.
      Map<String, Object> adminSettings = new HashMap<>(settings);
      kafka.adminSettings().forEach((k, v) -> adminSettings.put(ScorerConfig.KAFKA_PREFIX + k, v));
      List<String> labels = TestData.tinyModel().bundle().info().labels();
      TopicSetup.createMissing(new ScorerConfig(adminSettings), TopicSetup.specs(cfg, labels), 2);
      ModstreamAcls.Topics topics =
          new ModstreamAcls.Topics(
              app + "-comments",
              app + "-labels",
              app + "-flagged-",
              app + "-dlq",
              "comment-feedback",
              app + "-releases",
              Topics.MODEL_BUNDLES.name());
      try (Admin admin = Admin.create(connection(kafka, "admin", null))) {
        List<org.apache.kafka.common.acl.AclBinding> acls = new ArrayList<>();
        acls.addAll(ModstreamAcls.streamsApp("User:scorer", appId, topics));
        acls.addAll(ModstreamAcls.trainer("User:trainer", topics));
        acls.addAll(ModstreamAcls.producer("User:producer", topics));
        ModstreamAcls.apply(admin, acls);
      }

      try (ScoringService service = new ScoringService(cfg);
          KafkaProducer<String, byte[]> producer = producer(kafka, "producer")) {
        service.start();
        for (int i = 0; i < 50; i++) {
          producer.send(
              new ProducerRecord<>(
                  app + "-comments",
                  "c-" + i,
                  CODEC.encode(
                      Comment.newBuilder()
                          .setCommentId("c-" + i)
                          .setText("comment number " + i)
                          .setCreatedAt(Instant.now())
                          .build())));
        }
        producer.flush();
        assertThat(readAsAdmin(kafka, app + "-labels", 50, Duration.ofSeconds(90)))
            .as("every comment the producer wrote is scored by the app's principal")
            .isEqualTo(50);
        assertThat(service.isReady()).isTrue();
      }

      assertThatThrownBy(() -> publish(kafka, "intruder", app + "-releases"))
          .as("a user without ACLs cannot publish a release")
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
      assertThatThrownBy(() -> publish(kafka, "scorer", app + "-releases"))
          .as("the app reads releases but cannot publish one")
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
      assertThatThrownBy(() -> publish(kafka, "producer", Topics.MODEL_BUNDLES.name()))
          .as("the producer cannot write bundles")
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
      publish(kafka, "trainer", Topics.MODEL_BUNDLES.name());
      assertThatThrownBy(() -> read(kafka, "intruder", app + "-labels"))
          .as("a user without ACLs cannot read the label events")
          .isInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void theTrainerReleasesThroughItsClientConfigAndOthersCannot(@TempDir Path dir) throws Exception {
    Path clients = dir.resolve("clients");
    try (LocalKafka kafka = SecuredStack.start(dir.resolve("kafka"), 0, "512m", clients)) {
      String bootstrap = kafka.bootstrapServers();
      Path model = dir.resolve("model");
      TestData.tinyModel().bundle().save(model);
      // The streams app's own configuration, as ops/run-local --secure writes it: the scorer's
      // client settings as kafka.* keys.
      StringBuilder config = new StringBuilder();
      config.append("bootstrap.servers=").append(bootstrap).append('\n');
      config.append("model.path=").append(model).append('\n');
      config.append("state.dir=").append(dir.resolve("state")).append('\n');
      for (String line : Files.readAllLines(clients.resolve("scorer.properties"))) {
        if (!line.startsWith("#")) {
          config.append(ScorerConfig.KAFKA_PREFIX).append(line).append('\n');
        }
      }
      Path streamsConfig = dir.resolve("streams.properties");
      Files.writeString(streamsConfig, config);

      assertThat(
              StreamsApp.commandLine()
                  .execute("create-topics", "--config", streamsConfig.toString()))
          .as("the scorer may not create topics")
          .isNotZero();
      assertThat(
              StreamsApp.commandLine()
                  .execute(
                      "create-topics",
                      "--config",
                      streamsConfig.toString(),
                      "--client-config",
                      clients.resolve("admin.properties").toString()))
          .as("the admin creates them")
          .isZero();

      ReleaseSigning.KeyFiles keys = ReleaseSigning.generate(dir.resolve("keys"), "stack");
      assertThat(release(bootstrap, model, dir, clients.resolve("trainer.properties"), keys))
          .as("the trainer releases")
          .isZero();
      ModelRelease latest =
          ModelReleases.latest(
              ClientSettings.connection(bootstrap, clients.resolve("scorer.properties")),
              Topics.MODEL_RELEASES.name(),
              "tiny");
      assertThat(latest.getKeyId()).as("read by the scorer").isEqualTo(keys.keyId());
      for (String other : List.of("producer", "scorer")) {
        assertThat(release(bootstrap, model, dir, clients.resolve(other + ".properties"), keys))
            .as(other + " cannot release")
            .isNotZero();
      }
      assertThat(
              ModelReleases.history(
                  ClientSettings.connection(bootstrap, clients.resolve("trainer.properties")),
                  Topics.MODEL_RELEASES.name(),
                  "tiny"))
          .as("only the trainer's release is on the topic")
          .hasSize(1);
    }
  }

  private static int release(
      String bootstrap, Path model, Path dir, Path clientConfig, ReleaseSigning.KeyFiles keys) {
    return TrainerCli.commandLine()
        .execute(
            "release",
            "--model",
            model.toString(),
            "--store",
            dir.resolve("store").toString(),
            "--bootstrap",
            bootstrap,
            "--client-config",
            clientConfig.toString(),
            "--signing-key",
            keys.privateKey().toString());
  }

  private static Map<String, Object> connection(LocalKafka kafka, String user, String password) {
    Map<String, Object> c = new HashMap<>();
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.putAll(user.equals("admin") ? kafka.adminSettings() : kafka.clientSettings(user, password));
    return c;
  }

  private static KafkaProducer<String, byte[]> producer(LocalKafka kafka, String user) {
    Map<String, Object> c = connection(kafka, user, USERS.get(user));
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    return new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
  }

  private static void publish(LocalKafka kafka, String user, String topic) throws Exception {
    try (KafkaProducer<String, byte[]> p = producer(kafka, user)) {
      p.send(new ProducerRecord<>(topic, "tiny", new byte[] {1})).get(30, TimeUnit.SECONDS);
    }
  }

  private static void read(LocalKafka kafka, String user, String topic) {
    try (KafkaConsumer<String, byte[]> c = consumer(connection(kafka, user, USERS.get(user)))) {
      c.assign(List.of(new TopicPartition(topic, 0)));
      c.seekToBeginning(c.assignment());
      c.poll(Duration.ofSeconds(10));
    }
  }

  private static int readAsAdmin(LocalKafka kafka, String topic, int want, Duration timeout) {
    Map<String, Object> c = connection(kafka, "admin", null);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Set<String> keys = new java.util.HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(c)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (keys.size() < want && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
      }
    }
    return keys.size();
  }

  private static KafkaConsumer<String, byte[]> consumer(Map<String, Object> c) {
    return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
  }
}

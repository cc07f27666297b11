package io.modstream.streams;

import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.TopicSpec;
import io.modstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of the pipeline as code: names, partitions and settings, created if missing. Used by
 * the local stack, the integration tests and {@code streams-app create-topics}.
 */
public final class TopicSetup {

  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  /**
   * Returns the pipeline's topics for a configuration and a model's labels: the catalogue's ({@link
   * Topics}) under the names the configuration gives them.
   *
   * @param config the streams app configuration (topic names)
   * @param labels the labels, one flagged topic each
   * @return the specifications
   */
  public static List<TopicSpec<?>> specs(ScorerConfig config, List<String> labels) {
    List<TopicSpec<?>> specs = new ArrayList<>();
    specs.add(Topics.COMMENTS.withName(config.getString(ScorerConfig.TOPIC_COMMENTS)));
    specs.add(Topics.COMMENT_LABELS.withName(config.getString(ScorerConfig.TOPIC_LABELS)));
    for (String label : labels) {
      specs.add(Topics.flagged(config.getString(ScorerConfig.TOPIC_FLAGGED_PREFIX), label));
    }
    specs.add(Topics.DEAD_LETTERS.withName(config.getString(ScorerConfig.TOPIC_DLQ)));
    specs.add(Topics.COMMENT_FEEDBACK);
    specs.add(Topics.MODEL_RELEASES.withName(config.getString(ScorerConfig.RELEASES_TOPIC)));
    specs.add(Topics.MODEL_BUNDLES);
    return specs;
  }

  /**
   * Waits until every partition of new topics has a leader: producing before that fails with
   * NOT_LEADER_OR_FOLLOWER, and an idempotent producer can then get stuck retrying
   * OUT_OF_ORDER_SEQUENCE_NUMBER (as with a single-node Kafka 4.3 broker).
   */
  private static void awaitLeaders(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        boolean ready =
            admin.describeTopics(topics).allTopicNames().get().values().stream()
                .allMatch(
                    d ->
                        d.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topics " + topics + " have partitions without a leader after 30 s");
      }
      Thread.sleep(50);
    }
  }

  /**
   * Creates every missing topic with the automatic replication ({@link Replication#auto}) and waits
   * for their leaders; existing ones are left as they are.
   *
   * @param bootstrapServers the cluster
   * @param specs the topics
   * @param partitions partitions of the comment-keyed topics (the others get one)
   * @return the names of the topics created
   * @throws ExecutionException if the cluster refuses
   * @throws InterruptedException if interrupted
   */
  public static List<String> createMissing(
      String bootstrapServers, List<? extends TopicSpec<?>> specs, int partitions)
      throws ExecutionException, InterruptedException {
    return createMissing(
        ModelReleases.connection(bootstrapServers), specs, partitions, Replication::auto);
  }

  /**
   * Creates every missing topic with the configured replication ({@code replication.factor}, {@code
   * min.insync.replicas}) and waits for their leaders; existing ones are left as they are, with a
   * WARN when they have fewer replicas.
   *
   * @param config the configuration (bootstrap servers, replication)
   * @param specs the topics
   * @param partitions partitions of the comment-keyed topics (the others get one)
   * @return the names of the topics created
   * @throws ExecutionException if the cluster refuses
   * @throws InterruptedException if interrupted
   */
  public static List<String> createMissing(
      ScorerConfig config, List<? extends TopicSpec<?>> specs, int partitions)
      throws ExecutionException, InterruptedException {
    return createMissing(ClientConnection.of(config), config, specs, partitions);
  }

  /**
   * Creates every missing topic as {@link #createMissing(ScorerConfig, List, int)} does, connecting
   * with other settings than the app's: on a secured cluster an operator creates topics as a
   * principal allowed to, which the app's own is not.
   *
   * @param connection the connection settings, {@code bootstrap.servers} among them
   * @param config the configuration (topic names, replication)
   * @param specs the topics
   * @param partitions partitions of the comment-keyed topics (the others get one)
   * @return the names of the topics created
   * @throws ExecutionException if the cluster refuses
   * @throws InterruptedException if interrupted
   */
  public static List<String> createMissing(
      Map<String, ?> connection,
      ScorerConfig config,
      List<? extends TopicSpec<?>> specs,
      int partitions)
      throws ExecutionException, InterruptedException {
    return createMissing(connection, specs, partitions, brokers -> Replication.of(config, brokers));
  }

  private static List<String> createMissing(
      Map<String, ?> connection,
      List<? extends TopicSpec<?>> specs,
      int partitions,
      IntFunction<Replication> replicationForBrokers)
      throws ExecutionException, InterruptedException {
    Properties props = new Properties();
    props.putAll(connection);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      int brokers = admin.describeCluster().nodes().get().size();
      Replication replication = replicationForBrokers.apply(brokers);
      List<NewTopic> missing = new ArrayList<>();
      List<String> present = new ArrayList<>();
      for (TopicSpec<?> spec : specs) {
        if (existing.contains(spec.name())) {
          present.add(spec.name());
        } else {
          Map<String, String> configs = new HashMap<>(replication.topicConfigs());
          configs.putAll(spec.configs());
          missing.add(
              new NewTopic(spec.name(), spec.partitions(partitions), replication.factor())
                  .configs(configs));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
        awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
      }
      warnUnderReplicated(admin, present, replication);
      List<String> created = missing.stream().map(NewTopic::name).toList();
      LOG.info(
          "topics created: {} (replication {}, min.insync.replicas {}); already present: {}",
          created,
          replication.factor(),
          replication.minInSync(),
          present.size());
      return created;
    }
  }

  /**
   * Logs a WARN for each of the topics that exists with fewer replicas than wanted: existing topics
   * are not changed (that needs a reassignment), but the weak ones are named.
   *
   * @param bootstrapServers the cluster
   * @param topics the topics to check; those that do not exist are skipped
   * @param wanted the replication they should have
   * @throws ExecutionException if the cluster refuses
   * @throws InterruptedException if interrupted
   */
  public static void warnUnderReplicated(
      String bootstrapServers, List<String> topics, Replication wanted)
      throws ExecutionException, InterruptedException {
    warnUnderReplicated(ModelReleases.connection(bootstrapServers), topics, wanted);
  }

  /**
   * Logs a WARN for each of the topics that exists with fewer replicas than wanted, as {@link
   * #warnUnderReplicated(String, List, Replication)}, on a connection that may carry security
   * settings.
   *
   * @param connection the connection settings ({@link ClientConnection#of})
   * @param topics the topics to check; those that do not exist are skipped
   * @param wanted the replication they should have
   * @throws ExecutionException if the cluster refuses
   * @throws InterruptedException if interrupted
   */
  public static void warnUnderReplicated(
      Map<String, ?> connection, List<String> topics, Replication wanted)
      throws ExecutionException, InterruptedException {
    Properties props = new Properties();
    props.putAll(connection);
    // a check for a warning: give up soon rather than hold up the caller
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      warnUnderReplicated(admin, topics.stream().filter(existing::contains).toList(), wanted);
    }
  }

  private static void warnUnderReplicated(Admin admin, List<String> topics, Replication wanted)
      throws ExecutionException, InterruptedException {
    if (topics.isEmpty()) {
      return;
    }
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get()
        .forEach(
            (name, d) -> {
              int replicas =
                  d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
              if (replicas < wanted.factor()) {
                LOG.warn(
                    "topic {} has {} replica(s), fewer than the {} wanted: while a broker that"
                        + " holds it is down, writes to it stop; add replicas with"
                        + " kafka-reassign-partitions",
                    name,
                    replicas,
                    wanted.factor());
              }
            });
  }
}

package io.modstream.streams;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the topics the app creates are replicated: its own ({@link TopicSetup}) and Kafka Streams'
 * internal ones (the comment buffer's changelog), from {@code replication.factor} and {@code
 * min.insync.replicas} with their automatic defaults resolved against the cluster.
 *
 * @param factor replicas of each partition
 * @param minInSync replicas that must have a write before it is acknowledged (acks=all)
 */
public record Replication(short factor, int minInSync) {

  /** Most replicas chosen automatically: three survive one broker loss with two in sync. */
  static final int AUTO_MAX_FACTOR = 3;

  /** Longest the app waits for the cluster to say how many brokers it has. */
  static final Duration COUNT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Checks the values.
   *
   * @param factor replicas of each partition, at least 1
   * @param minInSync replicas in sync, 1 to factor
   */
  public Replication {
    if (factor < 1 || minInSync < 1 || minInSync > factor) {
      throw new IllegalArgumentException(
          "min.insync.replicas="
              + minInSync
              + " with replication.factor="
              + factor
              + ": both must be at least 1 and min.insync.replicas at most replication.factor;"
              + " lower min.insync.replicas or raise replication.factor");
    }
  }

  /**
   * The automatic choice for a cluster: min(3, brokers) replicas, two of them in sync when there
   * are three (one broker may die and writes go on), else one.
   *
   * @param brokers live brokers in the cluster
   * @return the replication
   */
  public static Replication auto(int brokers) {
    short factor = (short) Math.max(1, Math.min(AUTO_MAX_FACTOR, brokers));
    return new Replication(factor, defaultMinInSync(factor));
  }

  /**
   * Resolves the configured replication: explicit values as given, -1 as {@link #auto}.
   *
   * @param cfg the configuration
   * @param brokers live brokers in the cluster (read only when replication.factor is -1)
   * @return the replication
   * @throws IllegalArgumentException if min.insync.replicas exceeds the resolved factor, naming
   *     both keys
   */
  public static Replication of(ScorerConfig cfg, int brokers) {
    int configured = cfg.getInt(ScorerConfig.REPLICATION_FACTOR);
    short factor =
        configured == ScorerConfig.AUTO
            ? auto(brokers).factor()
            : (short) Math.min(Short.MAX_VALUE, configured);
    int minInSync = cfg.getInt(ScorerConfig.MIN_INSYNC_REPLICAS);
    return new Replication(
        factor, minInSync == ScorerConfig.AUTO ? defaultMinInSync(factor) : minInSync);
  }

  /**
   * Resolves the configured replication, asking the cluster for its broker count only when
   * replication.factor is -1.
   *
   * @param cfg the configuration
   * @return the replication
   * @throws IllegalStateException if the brokers cannot be counted, naming the fix
   */
  public static Replication of(ScorerConfig cfg) {
    if (cfg.getInt(ScorerConfig.REPLICATION_FACTOR) != ScorerConfig.AUTO) {
      return of(cfg, 0);
    }
    return of(cfg, countBrokers(ClientConnection.of(cfg)));
  }

  private static int defaultMinInSync(short factor) {
    return factor >= AUTO_MAX_FACTOR ? 2 : 1;
  }

  /**
   * Returns the topic-level settings every created topic gets.
   *
   * @return {@code min.insync.replicas}
   */
  public Map<String, String> topicConfigs() {
    return Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInSync));
  }

  /**
   * Counts the live brokers.
   *
   * @param connection the cluster's connection settings ({@link ClientConnection#of})
   * @return how many brokers answer as members of the cluster
   * @throws IllegalStateException if none answers within a minute
   */
  static int countBrokers(Map<String, Object> connection) {
    Object bootstrapServers = connection.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    Properties props = new Properties();
    props.putAll(connection);
    try (Admin admin = Admin.create(props)) {
      return admin
          .describeCluster()
          .nodes()
          .get(COUNT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .size();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new IllegalStateException(
          "could not count the brokers at "
              + bootstrapServers
              + " within "
              + COUNT_TIMEOUT.toSeconds()
              + " s to choose the replication of the topics the app creates ("
              + e.getMessage()
              + "); check bootstrap.servers and that the brokers run, or set replication.factor"
              + " to skip the count",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting the brokers", e);
    }
  }
}

package io.modstream.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reading and publishing {@link ModelRelease} records on the compacted releases topic. */
public final class ModelReleases {

  private ModelReleases() {}

  /**
   * Consumer settings for reading releases without a consumer group.
   *
   * @param bootstrapServers the cluster
   * @return the settings
   */
  public static Map<String, Object> consumerConfig(String bootstrapServers) {
    return consumerConfig(connection(bootstrapServers));
  }

  /**
   * Consumer settings as {@link #consumerConfig(String)}, on a connection that may carry security
   * settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) besides the bootstrap
   * servers.
   *
   * @param connection the connection settings, {@code bootstrap.servers} among them
   * @return the settings
   */
  public static Map<String, Object> consumerConfig(Map<String, ?> connection) {
    Map<String, Object> c = new HashMap<>(connection);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return c;
  }

  /**
   * The connection settings of a cluster that needs nothing but its address.
   *
   * @param bootstrapServers the cluster
   * @return {@code bootstrap.servers} alone
   */
  public static Map<String, Object> connection(String bootstrapServers) {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /**
   * Producer settings for records that must not be lost or duplicated: every in-sync replica
   * acknowledges, and retries are idempotent.
   *
   * @param bootstrapServers the cluster
   * @return the settings
   */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
    return producerConfig(connection(bootstrapServers));
  }

  /**
   * Producer settings as {@link #producerConfig(String)}, on a connection that may carry security
   * settings besides the bootstrap servers.
   *
   * @param connection the connection settings, {@code bootstrap.servers} among them
   * @return the settings
   */
  public static Map<String, Object> producerConfig(Map<String, ?> connection) {
    Map<String, Object> c = new HashMap<>(connection);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return c;
  }

  /**
   * Returns every partition of a topic, waiting up to 30 s for the cluster.
   *
   * @param consumer a consumer
   * @param topic the topic
   * @return its partitions
   * @throws IllegalStateException if the topic does not exist
   */
  public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return partitions(consumer, topic, Duration.ofSeconds(30));
  }

  /**
   * Returns every partition of a topic.
   *
   * @param consumer a consumer
   * @param topic the topic
   * @param timeout how long to wait for the cluster
   * @return its partitions
   * @throws IllegalStateException if the topic does not exist
   * @throws org.apache.kafka.common.errors.TimeoutException if the cluster does not answer in time
   */
  public static List<TopicPartition> partitions(
      KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(
          "topic '" + topic + "' does not exist; create it with 'streams-app create-topics'");
    }
    return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
  }

  /**
   * Returns the number of records a topic holds now: end minus start offsets over its partitions
   * (with read_committed, the last stable offsets; transaction markers count as records).
   *
   * @param consumer a consumer for this call alone: its assignment becomes the topic's partitions
   * @param topic the topic
   * @param timeout how long each request waits for the cluster
   * @return the record count
   * @throws IllegalStateException if the topic does not exist
   * @throws org.apache.kafka.common.errors.TimeoutException if the cluster does not answer in time
   */
  public static long recordCount(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
    List<TopicPartition> parts = partitions(consumer, topic, timeout);
    // assigned first: kafka-clients 4.0-4.3 log a warning per partition for offsets listed by a
    // consumer that has not assigned it (KAFKA-20449)
    consumer.assign(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
    Map<TopicPartition, Long> start = consumer.beginningOffsets(parts, timeout);
    return parts.stream().mapToLong(p -> end.get(p) - start.get(p)).sum();
  }

  /**
   * Reads the releases topic to its end and returns the latest release of a model.
   *
   * @param bootstrapServers the cluster
   * @param topic the releases topic
   * @param modelName the model
   * @return the latest release, or null if there is none
   */
  public static ModelRelease latest(String bootstrapServers, String topic, String modelName) {
    return latest(connection(bootstrapServers), topic, modelName);
  }

  /**
   * Reads the releases topic to its end and returns the latest release of a model.
   *
   * @param connection the connection settings (see {@link #consumerConfig(Map)})
   * @param topic the releases topic
   * @param modelName the model
   * @return the latest release, or null if there is none
   */
  public static ModelRelease latest(Map<String, ?> connection, String topic, String modelName) {
    List<ModelRelease> all = history(connection, topic, modelName);
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /**
   * Reads the releases topic to its end and returns every release of a model it still holds, oldest
   * first (the topic is keyed by model name, so they share a partition and its order). Compaction
   * may have removed older records: what is left is the latest at least.
   *
   * @param connection the connection settings (see {@link #consumerConfig(Map)})
   * @param topic the releases topic
   * @param modelName the model
   * @return the releases, oldest first; empty if there are none
   */
  public static List<ModelRelease> history(
      Map<String, ?> connection, String topic, String modelName) {
    try (KafkaConsumer<String, ModelRelease> c =
        new KafkaConsumer<>(
            consumerConfig(connection),
            new StringDeserializer(),
            AvroSerde.of(ModelRelease.class))) {
      List<TopicPartition> parts = partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ModelRelease> releases = new ArrayList<>();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, ModelRelease> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() != null && modelName.equals(r.value().getModelName())) {
            releases.add(r.value());
          }
        }
      }
      return List.copyOf(releases);
    }
  }

  /**
   * Publishes a release, keyed by its model name, and waits for the acknowledgement.
   *
   * @param bootstrapServers the cluster
   * @param topic the releases topic
   * @param release the release
   * @throws ExecutionException if the broker refuses it
   * @throws InterruptedException if interrupted
   */
  public static void publish(String bootstrapServers, String topic, ModelRelease release)
      throws ExecutionException, InterruptedException {
    publish(connection(bootstrapServers), topic, release);
  }

  /**
   * Publishes a release as {@link #publish(String, String, ModelRelease)}, on a connection that may
   * carry security settings.
   *
   * @param connection the connection settings, {@code bootstrap.servers} among them
   * @param topic the releases topic
   * @param release the release
   * @throws ExecutionException if the broker refuses it
   * @throws InterruptedException if interrupted
   */
  public static void publish(Map<String, ?> connection, String topic, ModelRelease release)
      throws ExecutionException, InterruptedException {
    try (KafkaProducer<String, ModelRelease> producer =
        new KafkaProducer<>(
            producerConfig(connection), new StringSerializer(), AvroSerde.of(ModelRelease.class))) {
      producer.send(new ProducerRecord<>(topic, release.getModelName(), release)).get();
    }
  }
}

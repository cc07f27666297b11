package io.modstream.streams.tools;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code count}: how many records a topic holds (end minus start offsets over its partitions). */
@Command(name = "count", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Prints the number of records in a topic (committed transactional markers included).")
public final class CountCommand implements Callable<Integer> {

  @Option(names = "--topic", description = "The topic.")
  String topic = "comment-labels";

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap = "127.0.0.1:9092";

  @Override
  public Integer call() {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      // assigned first, or kafka-clients 4.0-4.3 warn once per partition listed (KAFKA-20449)
      consumer.assign(parts);
      long end = consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
      long start = consumer.beginningOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
      System.out.println(end - start);
    }
    return 0;
  }
}

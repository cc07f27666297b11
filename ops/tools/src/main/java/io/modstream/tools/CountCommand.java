package io.modstream.tools;

import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code count}: how many records a topic holds (end minus start offsets over its partitions). */
@Command(
    name = "count",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description =
        "Prints the number of records in a topic (committed transactional markers included).")
public final class CountCommand implements Callable<Integer> {

  @Option(names = "--topic", description = "The topic.")
  String topic = Topics.COMMENT_LABELS.name();

  @Mixin BrokerOptions broker;

  @Override
  public Integer call() throws IOException {
    Map<String, Object> config = broker.connect(BrokerOptions.Access.READ);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      System.out.println(ModelReleases.recordCount(consumer, topic, Duration.ofSeconds(30)));
    }
    return 0;
  }
}

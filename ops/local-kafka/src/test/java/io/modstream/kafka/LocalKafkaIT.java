package io.modstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// A hung broker or client fails the test instead of stalling the build.
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalKafkaIT {

  @Test
  void startsProducesConsumesAndRestartsOnItsOwnData(@TempDir Path dir) throws Exception {
    String bootstrap;
    try (LocalKafka kafka = LocalKafka.start(dir, 0, "512m")) {
      bootstrap = kafka.bootstrapServers();
      assertThat(bootstrap).startsWith("127.0.0.1:");
      assertThat(Files.readString(dir.resolve("broker.log")))
          .as("the broker logs through a real backend")
          .contains("] INFO ")
          .contains("Kafka Server started")
          .doesNotContain("No SLF4J providers");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", bootstrap, "acks", "all"),
              new StringSerializer(),
              new StringSerializer())) {
        p.send(new ProducerRecord<>("t", "k", "v")).get();
      }
    }
    try (LocalKafka again = LocalKafka.start(dir, 0, "512m")) {
      assertThat(again.bootstrapServers()).as("ports kept across restarts").isEqualTo(bootstrap);
      Properties c = new Properties();
      c.put("bootstrap.servers", again.bootstrapServers());
      c.put("group.id", "it");
      c.put("auto.offset.reset", "earliest");
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(Set.of("t"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        while (records.isEmpty() && System.nanoTime() < deadline) {
          records = consumer.poll(Duration.ofMillis(500));
        }
        assertThat(records.count()).isEqualTo(1);
        assertThat(records.iterator().next().value())
            .as("data survived the restart")
            .isEqualTo("v");
      }
    }
  }

  @Test
  void aBrokerThatCannotStartSaysWhyInTheException(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> LocalKafka.start(dir, taken.getLocalPort(), "256m"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("exited")
          .hasMessageContaining("Address already in use");
    }
  }
}

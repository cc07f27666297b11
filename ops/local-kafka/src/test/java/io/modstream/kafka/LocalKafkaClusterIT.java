package io.modstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalKafkaClusterIT {

  @Test
  void aThreeNodeClusterKeepsAcceptingWritesWhenALeaderIsKilled(@TempDir Path dir)
      throws Exception {
    try (LocalKafkaCluster cluster = LocalKafkaCluster.start(dir, 3, "384m")) {
      String bootstrap = cluster.bootstrapServers();
      int leader;
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        assertThat(admin.describeCluster().nodes().get()).hasSize(3);
        admin
            .createTopics(
                List.of(
                    new NewTopic("t", 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
            .all()
            .get();
        TopicDescription t = admin.describeTopics(List.of("t")).allTopicNames().get().get("t");
        assertThat(t.partitions().get(0).replicas()).hasSize(3);
        leader = t.partitions().get(0).leader().id();
      }
      Map<String, Object> producerProps =
          Map.of("bootstrap.servers", bootstrap, "acks", "all", "delivery.timeout.ms", 60_000);
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
        p.send(new ProducerRecord<>("t", "k", "before")).get();
        cluster.kill(leader);
        p.send(new ProducerRecord<>("t", "k", "during")).get(60, TimeUnit.SECONDS);
        cluster.restart(leader);
        p.send(new ProducerRecord<>("t", "k", "after")).get(60, TimeUnit.SECONDS);
      }
      Properties c = new Properties();
      c.put("bootstrap.servers", bootstrap);
      c.put("group.id", "it");
      c.put("auto.offset.reset", "earliest");
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(Set.of("t"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (values.size() < 3 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
            values.add(r.value());
          }
        }
      }
      assertThat(values).containsExactly("before", "during", "after");
    }
  }
}

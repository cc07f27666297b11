package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The app's logging (its simplelogger.properties) while no broker answers: kafka-clients 4.3 log
 * "Rebootstrapping with [...]" at INFO on every poll of every client, which wrote ~650 lines a
 * second to the local stack's app log after its broker died (an hour's outage: ~2 million lines).
 * The clients' connection warnings, a few a second, still say that the broker is gone.
 */
class ClientLoggingTest {

  @Test
  void aClientWithoutABrokerDoesNotFloodTheLog() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String logged =
        ItSupport.stderrOf(
                () -> {
                  try (KafkaConsumer<byte[], byte[]> consumer =
                      new KafkaConsumer<>(
                          Map.of(
                              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                              "127.0.0.1:" + closedPort,
                              ConsumerConfig.GROUP_ID_CONFIG,
                              "logging-test"),
                          new ByteArrayDeserializer(),
                          new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of("comments"));
                    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (System.nanoTime() < end) {
                      consumer.poll(Duration.ofMillis(200));
                    }
                  }
                  return null;
                })
            .text();
    assertThat(logged)
        .as("the clients still warn that no broker answers")
        .contains("could not be established");
    // one consumer for 3 s here: 26 such lines without the settings (the app's dozen clients
    // polling in their loops wrote ~650 a second)
    assertThat(logged.lines().filter(l -> l.contains("Rebootstrapping"))).as(logged).isEmpty();
  }
}

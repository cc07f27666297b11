package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSettingsTest {

  @Test
  void aMissingFileIsAnErrorNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("scorer.properties");
    assertThatThrownBy(() -> ClientSettings.connection("127.0.0.1:9092", missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--client-config " + missing)
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> ClientSettings.load(dir))
        .as("a directory is not a client config file")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void everyKeyIsPassedThroughAndTheBootstrapOptionWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\",
            "  username=\"trainer\" password=\"s3cret\";",
            "ssl.truststore.location=/etc/kafka/truststore.p12",
            "some.future.client.setting=42",
            "bootstrap.servers=elsewhere:9093"),
        StandardCharsets.UTF_8);
    assertThat(ClientSettings.connection("127.0.0.1:9092", file))
        .containsEntry("bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"trainer\" password=\"s3cret\";")
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
        .containsEntry("some.future.client.setting", "42")
        .hasSize(6);
  }

  @Test
  void withoutAFileOnlyTheBootstrap() throws Exception {
    assertThat(ClientSettings.connection("127.0.0.1:9092", null))
        .containsExactlyEntriesOf(ModelReleases.connection("127.0.0.1:9092"));
  }

  @Test
  void producerAndConsumerSettingsKeepTheConnection() {
    Map<String, String> connection =
        Map.of("bootstrap.servers", "b:1", "security.protocol", "SASL_SSL");
    assertThat(ModelReleases.producerConfig(connection))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("acks", "all");
    assertThat(ModelReleases.consumerConfig(connection))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("isolation.level", "read_committed");
  }
}

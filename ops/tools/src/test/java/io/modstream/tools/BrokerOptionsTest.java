package io.modstream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerOptionsTest {

  @TempDir Path localDir;

  @Test
  void anExplicitBootstrapWinsOverTheLocalStack() throws Exception {
    Files.writeString(localDir.resolve("stack.properties"), "bootstrap.servers=127.0.0.1:19092\n");

    BrokerOptions.Choice choice = BrokerOptions.choose("broker:9093", localDir);

    assertThat(choice.servers()).isEqualTo("broker:9093");
    assertThat(choice.origin()).isEqualTo("--bootstrap");
  }

  @Test
  void withoutOneTheLocalStacksFileNamesTheBroker() throws Exception {
    Path file = localDir.resolve("stack.properties");
    Files.writeString(
        file, "# written by ops/run-local\nbootstrap.servers = 127.0.0.1:19092 \nregistry.url=x\n");

    BrokerOptions.Choice choice = BrokerOptions.choose(null, localDir);

    assertThat(choice.servers()).isEqualTo("127.0.0.1:19092");
    assertThat(choice.origin()).isEqualTo("from " + file);
    assertThat(choice.fallback()).isFalse();
  }

  @Test
  void withoutALocalStackItIsTheDefaultPort() throws Exception {
    BrokerOptions.Choice choice = BrokerOptions.choose(null, localDir);

    assertThat(choice.servers()).isEqualTo("127.0.0.1:9092");
    assertThat(choice.origin()).contains(localDir.resolve("stack.properties").toString());
    assertThat(choice.fallback()).isTrue();
  }

  @Test
  void aStackFileWithoutTheBootstrapIsRefusedWithTheFix() throws Exception {
    Files.writeString(localDir.resolve("stack.properties"), "registry.url=http://x\n");

    assertThatThrownBy(() -> BrokerOptions.choose(null, localDir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no bootstrap.servers")
        .hasMessageContaining("--bootstrap");
  }

  @Test
  void theStateDirectoryComesFromTheSystemPropertyFirst() {
    String before = System.getProperty(BrokerOptions.LOCAL_DIR_PROPERTY);
    try {
      System.setProperty(BrokerOptions.LOCAL_DIR_PROPERTY, localDir.toString());
      assertThat(BrokerOptions.localDir()).isEqualTo(localDir);
    } finally {
      if (before == null) {
        System.clearProperty(BrokerOptions.LOCAL_DIR_PROPERTY);
      } else {
        System.setProperty(BrokerOptions.LOCAL_DIR_PROPERTY, before);
      }
    }
  }

  @Test
  void aSecuredLocalStackGivesEachKindOfToolItsPrincipalsClientConfig() throws Exception {
    Files.writeString(
        localDir.resolve("stack.properties"),
        "bootstrap.servers=127.0.0.1:19092\n"
            + "client.config.produce=/state/clients/producer.properties\n"
            + "client.config.read=/state/clients/trainer.properties\n");
    BrokerOptions.Choice stack = BrokerOptions.choose(null, localDir);

    assertThat(BrokerOptions.clientConfig(null, stack, localDir, BrokerOptions.Access.PRODUCE))
        .isEqualTo(Path.of("/state/clients/producer.properties"));
    assertThat(BrokerOptions.clientConfig(null, stack, localDir, BrokerOptions.Access.READ))
        .isEqualTo(Path.of("/state/clients/trainer.properties"));
    assertThat(
            BrokerOptions.clientConfig(
                Path.of("mine.properties"), stack, localDir, BrokerOptions.Access.READ))
        .as("--client-config wins")
        .isEqualTo(Path.of("mine.properties"));
    BrokerOptions.Choice other = BrokerOptions.choose("elsewhere:9093", localDir);
    assertThat(BrokerOptions.clientConfig(null, other, localDir, BrokerOptions.Access.PRODUCE))
        .as("another cluster than the stack's gets none of its credentials")
        .isNull();
  }

  @Test
  void aMissingClientConfigFileStopsTheToolNamingIt() {
    Path missing = localDir.resolve("nope.properties");
    StringWriter err = new StringWriter();
    int exit =
        ToolsCli.commandLine()
            .setErr(new PrintWriter(err))
            .execute("count", "--bootstrap", "127.0.0.1:1", "--client-config", missing.toString());
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: --client-config " + missing + ": no such file");
  }
}

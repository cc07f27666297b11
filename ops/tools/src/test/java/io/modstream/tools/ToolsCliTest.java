package io.modstream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ToolsCliTest {

  @Test
  void holdsTheUserToolsAndNothingElse() {
    assertThat(ToolsCli.commandLine().getSubcommands())
        .containsOnlyKeys("produce", "tail", "feedback", "count");
  }

  @Test
  void eachToolPrintsItsHelp() {
    for (String tool : new String[] {"produce", "tail", "feedback", "count"}) {
      CommandLine cli = ToolsCli.commandLine();
      StringWriter out = new StringWriter();
      cli.setOut(new PrintWriter(out));
      assertThat(cli.execute(tool, "--help")).as(tool).isZero();
      assertThat(out.toString())
          .as(tool)
          .startsWith("Usage: modstream-tools " + tool)
          .contains(
              "--bootstrap",
              "stack.properties",
              "--client-config",
              "MODSTREAM_CLIENT_CONFIG",
              "--connect-timeout");
    }
  }
}

package io.modstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppProfilerTest {

  @Test
  void theAgentsOptionsGoToJcmdQuotedSoItDoesNotReadThemAsItsOwn(@TempDir Path dir)
      throws Exception {
    Path lib = Files.createFile(dir.resolve("libasyncProfiler.so"));
    AppProfiler profiler = new AppProfiler(4242, lib);
    assertThat(profiler.commandLine(AppProfiler.START))
        .endsWith(
            "4242",
            "JVMTI.agent_load",
            lib.toAbsolutePath().toString(),
            "\"start,event=wall,interval=5ms,threads,quiet\"");
    assertThat(profiler.commandLine(AppProfiler.START).get(0)).endsWith("jcmd");
  }

  @Test
  void aMissingLibraryIsRefusedWithWhereToGetIt(@TempDir Path dir) {
    assertThatThrownBy(() -> new AppProfiler(1, dir.resolve("nope.so")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ops/bench --profile");
  }
}

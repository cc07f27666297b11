package io.modstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// The jar ops/run-local starts: its class path, its ready line, and that stopping it stops the
// registry JVM it started.
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalRegistryMainIT {

  private Process main;

  // Here rather than in a finally: a timed-out test's thread never reaches its finally.
  @AfterEach
  void stopWhatIsLeft() {
    if (main != null) {
      main.descendants().forEach(ProcessHandle::destroyForcibly);
      main.destroyForcibly();
    }
  }

  @Test
  void theJarPrintsTheUrlOnceTheSchemasAreRegisteredAndStopsTheRegistryWhenStopped(
      @TempDir Path dir) throws Exception {
    Path jar = Path.of("target", "local-registry.jar").toAbsolutePath();
    Path err = dir.resolve("main.err");
    main =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-jar",
                jar.toString(),
                dir.resolve("registry").toString(),
                "0")
            .redirectError(err.toFile())
            .start();
    String url = null;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(main.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      while (line != null && !line.startsWith("REGISTRY_URL=")) {
        line = out.readLine();
      }
      if (line != null) {
        url = line.substring("REGISTRY_URL=".length());
      }
      assertThat(url).as("the ready line; stderr: %s", Files.readString(err)).isNotNull();
      assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+");
      assertThat(new SchemaRegistration(url + "/apis/ccompat/v7").subjects())
          .containsExactlyInAnyOrder(
              "comments-value",
              "comment-labels-value",
              "comment-feedback-value",
              "model-releases-value");
      List<ProcessHandle> registryJvm = main.descendants().toList();
      assertThat(registryJvm).isNotEmpty();

      main.destroy();
      assertThat(main.waitFor(60, TimeUnit.SECONDS)).isTrue();
      for (ProcessHandle p : registryJvm) {
        p.onExit().get(30, TimeUnit.SECONDS);
        assertThat(p.isAlive()).as("the registry JVM stops with the main").isFalse();
      }
    }
  }
}

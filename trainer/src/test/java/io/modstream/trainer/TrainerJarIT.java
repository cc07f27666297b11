package io.modstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code trainer.jar} as its own process, as a user's shell does: what reaches
 * the process's stdout is what the user sees, which an in-process run with its own writers cannot
 * show.
 */
class TrainerJarIT {

  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void saveATinyModel() throws Exception {
    model = dir.resolve("model");
    TestData.tinyModel().bundle().save(model);
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) throws Exception {
    Path jar = Path.of("target", "trainer.jar");
    assertThat(jar).as("mvn package builds the trainer's jar").exists();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path err = Files.createTempFile(dir, "trainer", ".err");
    String[] command = new String[args.length + 5];
    command[0] = java.toString();
    command[1] = "-Xmx1g";
    command[2] = "-XX:+UseParallelGC";
    command[3] = "-jar";
    command[4] = jar.toString();
    System.arraycopy(args, 0, command, 5, args.length);
    Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = process.waitFor();
    return new Run(code, out, Files.readString(err));
  }

  @Test
  void evaluatePrintsItsTextReportOnStdout() throws Exception {
    Run r =
        run("evaluate", "--model", model.toString(), "--data", TestData.samplePath().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("evaluation report")
        .containsPattern("(?m)^insult\\s+\\d+\\s+0\\.\\d{4}")
        .contains("mean");
  }

  @Test
  void anErrorIsOneLineOnStderrAndExitCodeOne() throws Exception {
    Run r =
        run(
            "evaluate",
            "--model",
            dir.resolve("none").toString(),
            "--data",
            TestData.samplePath().toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: ");
  }
}

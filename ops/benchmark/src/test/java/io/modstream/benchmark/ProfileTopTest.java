package io.modstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops/profile-top, the summariser of {@code ops/bench --profile}'s recordings, on a hand-made
 * collapsed profile whose shares are known. Needs python3 (as the script does); skipped without it.
 */
class ProfileTopTest {

  private static final Path SCRIPT = Path.of("..", "profile-top");

  /** Two stream threads (10 samples) and a producer thread that only waited (100 samples). */
  private static final String PROFILE =
      String.join(
          "\n",
          "[app-StreamThread-1 tid=11];java/lang/Thread.run;"
              + "io/modstream/streams/ScoringProcessor.process;"
              + "ai/onnxruntime/OrtSession.run;Java_ai_onnxruntime_OrtSession_run 6",
          "[app-StreamThread-1 tid=11];java/lang/Thread.run;"
              + "io/modstream/streams/ScoringProcessor.process;"
              + "java/util/concurrent/FutureTask.get;java/util/concurrent/FutureTask.awaitDone;"
              + "__futex_abstimed_wait_common 2",
          "[app-StreamThread-2 tid=12];java/lang/Thread.run;"
              + "io/modstream/streams/ScoringProcessor.process;"
              + "io/modstream/model/internal/LinearModel.score 2",
          "[kafka-producer-network-thread | app-1 tid=13];java/lang/Thread.run;"
              + "sun/nio/ch/EPoll.wait;epoll_wait 100",
          "");

  @BeforeAll
  static void needsPython() {
    assumeTrue(python3Runs(), "python3 is not on the PATH; ops/profile-top needs it");
  }

  @Test
  void splitsEachThreadGroupsTimeByActivityAndState(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.collapsed");
    Files.writeString(file, PROFILE);

    Result top = run(file.toString());

    assertThat(top.exit).as(top.output).isZero();
    // the two stream threads are one group (digits read N), 80% of its samples on CPU
    assertThat(top.output)
        .contains("== app-StreamThread-N (2 threads, 10 samples, 80.0% on CPU)")
        .contains(" 60.0%  network (ONNX Runtime run), on CPU")
        .contains(" 20.0%  linear model, on CPU")
        .contains(" 20.0%  waiting for a call's other shares, blocked")
        .contains(" 60.0%  Java_ai_onnxruntime_OrtSession_run")
        // a group that only waited is left out, and the summary says so
        .doesNotContain("kafka-producer-network-thread")
        .contains(
            "(1 thread groups blocked in 98% or more of their samples left out; --all lists them)");

    Result all = run(file.toString(), "--all");
    assertThat(all.exit).as(all.output).isZero();
    assertThat(all.output)
        .contains("== kafka-producer-network-thread | app-N (1 threads, 100 samples, 0.0% on CPU)")
        .contains("100.0%  network I/O wait (epoll), blocked");
  }

  @Test
  void refusesAProfileRecordedWithoutThreadNames(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.collapsed");
    Files.writeString(
        file, "java/lang/Thread.run;io/modstream/streams/ScoringProcessor.process 5\n");

    Result top = run(file.toString());

    assertThat(top.exit).isNotZero();
    assertThat(top.output)
        .contains("no thread names in the stacks; record with the 'threads' option");
  }

  private record Result(int exit, String output) {}

  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ops/profile-top finished").isTrue();
    return new Result(process.exitValue(), output);
  }

  private static boolean python3Runs() {
    try {
      Process process =
          new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

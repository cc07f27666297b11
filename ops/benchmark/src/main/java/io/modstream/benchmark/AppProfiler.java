package io.modstream.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Profiles another JVM (the streams app under test) for one stretch of a benchmark: loads
 * async-profiler's agent into it with {@code jcmd PID JVMTI.agent_load} to start wall-clock
 * sampling of every thread, and again to stop and write collapsed stacks with thread names.
 */
final class AppProfiler {

  /**
   * Wall-clock sampling: every thread, running or waiting, every 5 ms; quiet, or the agent prints
   * "Profiling started" on the app's own standard output.
   */
  static final String START = "start,event=wall,interval=5ms,threads,quiet";

  private final long pid;
  private final Path agent;

  AppProfiler(long pid, Path agent) {
    this.pid = pid;
    this.agent = Objects.requireNonNull(agent, "agent");
    if (!Files.isRegularFile(agent)) {
      throw new IllegalArgumentException(
          "no async-profiler library at "
              + agent
              + " (ops/bench --profile fetches it; or pass the path of libasyncProfiler.so)");
    }
  }

  /** Starts sampling the app. */
  void start() {
    agentCommand(START);
  }

  /**
   * Stops sampling and writes what was sampled since {@link #start()}.
   *
   * @param file the collapsed stacks, one line per distinct stack with its sample count
   */
  void stopTo(Path file) {
    agentCommand("stop,file=" + file.toAbsolutePath() + ",collapsed,quiet");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("async-profiler reported no error but wrote no " + file);
    }
  }

  /** The jcmd command line that sends one async-profiler command to the app. */
  List<String> commandLine(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    // jcmd reads name=value pairs as its own arguments: the agent's options go quoted.
    return List.of(
        jcmd.toString(),
        Long.toString(pid),
        "JVMTI.agent_load",
        agent.toAbsolutePath().toString(),
        "\"" + command + "\"");
  }

  private void agentCommand(String command) {
    List<String> line = commandLine(command);
    try {
      Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "jcmd did not return within 60 s: " + String.join(" ", line));
      }
      if (p.exitValue() != 0 || out.contains("[ERROR]") || !out.contains("return code: 0")) {
        throw new IllegalStateException(
            "profiling the app (pid "
                + pid
                + ") failed: "
                + String.join(" ", line)
                + " said: "
                + out.strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not run jcmd (" + line.get(0) + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while profiling the app", e);
    }
  }
}

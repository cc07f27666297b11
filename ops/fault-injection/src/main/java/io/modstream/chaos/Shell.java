package io.modstream.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs the few system commands the faults need (mount, iptables). */
final class Shell {

  private Shell() {}

  /** Runs a command and returns its output, or throws with it. */
  static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** Runs a command for cleanup, reporting a failure instead of throwing it. */
  static void quiet(String... command) {
    try {
      run(command);
    } catch (IOException e) {
      System.err.println("chaos: cleanup: " + e.getMessage());
    }
  }
}

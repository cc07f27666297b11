package io.modstream.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Cuts one broker off the network and heals it again, on loopback only: the packets its process
 * sends (marked through a net_cls cgroup, so its existing connections too) and the packets sent to
 * its ports are dropped by iptables rules. The suite runs in its own network namespace (ops/chaos
 * starts it under {@code unshare}), so the rules apply to the suite's private 127.0.0.1 and to no
 * other process on the machine.
 */
final class Partition implements Stoppable {

  private static final String CLASS_ID = "0x00100001";

  private final Path hierarchy;
  private final Path group;
  private List<String[]> rules = List.of();

  Partition(Path work) throws IOException {
    this.hierarchy = work.resolve("net_cls");
    Files.createDirectories(hierarchy);
    Shell.run("mount", "-t", "cgroup", "-o", "net_cls", "modstream-chaos", hierarchy.toString());
    this.group = hierarchy.resolve("modstream-chaos-partition");
    Files.createDirectories(group);
    Files.writeString(group.resolve("net_cls.classid"), CLASS_ID, StandardCharsets.UTF_8);
  }

  /** Checks that this machine can do it: iptables with the cgroup match, in this namespace. */
  static String unavailableReason(boolean isolated) {
    if (!isolated) {
      return "needs root and its own network namespace (ops/chaos runs the suite under unshare"
          + " --net --mount as root); the rules would otherwise touch this machine's loopback";
    }
    try {
      Shell.run("iptables", "-w", "-L", "OUTPUT", "-n");
      return null;
    } catch (IOException e) {
      return "iptables does not work here: " + e.getMessage();
    }
  }

  void cut(long pid, List<Integer> ports) throws IOException {
    Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid), StandardCharsets.UTF_8);
    String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
    rules =
        List.of(
            new String[] {"OUTPUT", "-o", "lo", "-m", "cgroup", "--cgroup", CLASS_ID, "-j", "DROP"},
            new String[] {
              "OUTPUT",
              "-o",
              "lo",
              "-p",
              "tcp",
              "-m",
              "multiport",
              "--dports",
              portList,
              "-j",
              "DROP"
            });
    for (String[] rule : rules) {
      Shell.run(command("-A", rule));
    }
  }

  void heal() {
    for (String[] rule : rules) {
      Shell.quiet(command("-D", rule));
    }
    rules = List.of();
  }

  private static String[] command(String action, String[] rule) {
    String[] c = new String[rule.length + 3];
    c[0] = "iptables";
    c[1] = "-w";
    c[2] = action;
    System.arraycopy(rule, 0, c, 3, rule.length);
    return c;
  }

  @Override
  public void close() {
    heal();
    try {
      Files.deleteIfExists(group);
    } catch (IOException e) {
      System.err.println("chaos: cleanup: " + group + ": " + e.getMessage());
    }
    Shell.quiet("umount", "-l", hierarchy.toString());
  }
}

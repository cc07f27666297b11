package io.modstream.streams.tools;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * CPU time of named processes, of this JVM and of the whole machine, from Linux's {@code /proc},
 * so a benchmark run can say which process used how many cores. Where {@code /proc} is missing (not
 * Linux) or a process has gone, its figures are absent rather than wrong.
 */
final class CpuMeter {

  /** Name of this JVM's own figure. */
  static final String SELF = "bench";

  private final Map<String, Long> pids;
  private final double ticksPerSecond;
  /** The machine's cores, as /proc/stat counts them (its first line sums over all of them). */
  private final int cores = machineCores();

  /**
   * @param pids the processes to follow, by name
   * @param ticksPerSecond the kernel's clock ticks per second ({@code getconf CLK_TCK}, 100 on Linux)
   */
  CpuMeter(Map<String, Long> pids, double ticksPerSecond) {
    if (!(ticksPerSecond > 0)) {
      throw new IllegalArgumentException("clock ticks per second must be positive (getconf CLK_TCK), got " + ticksPerSecond);
    }
    this.pids = Collections.unmodifiableMap(new LinkedHashMap<>(pids));
    this.ticksPerSecond = ticksPerSecond;
  }

  /** CPU seconds so far of each process (in the order given, this JVM last), and the machine's idle and total ticks. */
  record Snapshot(long nanoTime, Map<String, Double> cpuSeconds, double machineIdle, double machineTotal) {}

  /** Cores used between two snapshots, per process, and the machine's idle cores. */
  record Usage(Map<String, Double> cores, double idleCores, int machineCores) {

    /** Cores used by {@code name} over the interval, or NaN where it was not measured. */
    double of(String name) {
      return cores.getOrDefault(name, Double.NaN);
    }

    /** For example {@code app 1.31, broker 0.40, bench 0.10 cores; idle 0.12 of 2}. */
    String describe() {
      StringJoiner parts = new StringJoiner(", ");
      cores.forEach((name, used) -> parts.add(String.format(Locale.ROOT, "%s %.2f", name, used)));
      String idle = Double.isNaN(idleCores) ? "" : String.format(Locale.ROOT, "; idle %.2f of %d", idleCores, machineCores);
      return parts + " cores" + idle;
    }
  }

  Snapshot snapshot() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    pids.forEach((name, pid) -> {
      double seconds = processSeconds(pid);
      if (!Double.isNaN(seconds)) {
        cpu.put(name, seconds);
      }
    });
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      cpu.put(SELF, os.getProcessCpuTime() / 1e9);
    }
    double idle = Double.NaN;
    double total = Double.NaN;
    try {
      // "cpu  user nice system idle iowait irq softirq steal ...", in ticks, over all cores
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    } catch (IOException | RuntimeException e) {
      // not Linux: no machine figure
    }
    return new Snapshot(System.nanoTime(), Collections.unmodifiableMap(cpu), idle, total);
  }

  Usage between(Snapshot start, Snapshot end) {
    double seconds = (end.nanoTime() - start.nanoTime()) / 1e9;
    Map<String, Double> cores = new LinkedHashMap<>();
    start.cpuSeconds().forEach((name, before) -> {
      Double after = end.cpuSeconds().get(name);
      if (after != null && seconds > 0) {
        cores.put(name, (after - before) / seconds);
      }
    });
    double totalTicks = end.machineTotal() - start.machineTotal();
    double idleCores = totalTicks > 0 ? (end.machineIdle() - start.machineIdle()) / totalTicks * this.cores : Double.NaN;
    return new Usage(cores, idleCores, this.cores);
  }

  private static int machineCores() {
    try (java.util.stream.Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
      int n = (int) lines.filter(l -> l.length() > 3 && l.startsWith("cpu") && Character.isDigit(l.charAt(3))).count();
      return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** utime + stime of every thread of the process, in seconds; NaN when it cannot be read. */
  private double processSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) state ppid ... : comm may hold spaces, so fields are counted after its ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // after ')': f[0] is field 3 (state), so utime (field 14) is f[11] and stime (15) f[12]
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticksPerSecond;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}

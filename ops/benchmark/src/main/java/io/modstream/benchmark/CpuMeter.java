package io.modstream.benchmark;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * CPU time of named processes, of this JVM and of the whole machine, from Linux's {@code /proc}, so
 * a benchmark run can say which process used how many cores. Where {@code /proc} is missing (not
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
   * @param ticksPerSecond the kernel's clock ticks per second ({@code getconf CLK_TCK}, 100 on
   *     Linux)
   */
  CpuMeter(Map<String, Long> pids, double ticksPerSecond) {
    if (!(ticksPerSecond > 0)) {
      throw new IllegalArgumentException(
          "clock ticks per second must be positive (getconf CLK_TCK), got " + ticksPerSecond);
    }
    this.pids = Collections.unmodifiableMap(new LinkedHashMap<>(pids));
    this.ticksPerSecond = ticksPerSecond;
  }

  /**
   * The machine's CPU ticks so far, summed over its cores ({@code /proc/stat}'s first line): idle
   * (idle + iowait), steal (time the hypervisor gave this machine's cores to another guest while it
   * wanted them) and all of them. NaN where there is no {@code /proc/stat}.
   */
  record MachineTicks(double idle, double steal, double total) {
    static final MachineTicks UNKNOWN = new MachineTicks(Double.NaN, Double.NaN, Double.NaN);

    /**
     * Parses {@code "cpu user nice system idle iowait irq softirq steal ..."}.
     *
     * @throws IllegalArgumentException if the line is not /proc/stat's cpu line
     */
    static MachineTicks parse(String line) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 9 || !f[0].equals("cpu")) {
        throw new IllegalArgumentException(
            "not /proc/stat's cpu line (cpu user nice system idle iowait irq softirq steal): "
                + line);
      }
      double total = 0;
      for (int i = 1; i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new MachineTicks(
          Long.parseLong(f[4]) + Long.parseLong(f[5]), Long.parseLong(f[8]), total);
    }

    /** Share of the ticks from {@code start} to this that were steal, 0 to 1; NaN if unknown. */
    double stealSince(MachineTicks start) {
      double ticks = total - start.total;
      return ticks > 0 ? (steal - start.steal) / ticks : Double.NaN;
    }
  }

  /**
   * CPU seconds so far of each process (in the order given, this JVM last), of each followed
   * process's JIT compiler threads by thread id, and the machine's ticks.
   */
  record Snapshot(
      long nanoTime,
      Map<String, Double> cpuSeconds,
      Map<String, Map<Long, Double>> compilerSeconds,
      MachineTicks machine) {}

  /**
   * Cores used between two snapshots, per process, the machine's idle cores, and the share of its
   * CPU time the hypervisor stole (0 to 1; NaN where unknown).
   */
  record Usage(
      Map<String, Double> cores,
      Map<String, Double> compilerCores,
      double idleCores,
      int machineCores,
      double steal) {

    /** Cores used by {@code name} over the interval, or NaN where it was not measured. */
    double of(String name) {
      return cores.getOrDefault(name, Double.NaN);
    }

    /**
     * Cores the JIT compiler threads of the followed processes used together over the interval; NaN
     * where none could be read.
     */
    double compilers() {
      return compilerCores.isEmpty()
          ? Double.NaN
          : compilerCores.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** For example {@code app 0.11, broker 0.12}: each followed process's compiler threads. */
    String describeCompilers() {
      StringJoiner parts = new StringJoiner(", ");
      compilerCores.forEach(
          (name, used) -> parts.add(String.format(Locale.ROOT, "%s %.2f", name, used)));
      return parts.toString();
    }

    /**
     * For example {@code app 1.31, broker 0.40, bench 0.10 cores (JIT compilers: app 0.11, broker
     * 0.12); idle 0.12 of 2; steal 3.1%}.
     */
    String describe() {
      StringJoiner parts = new StringJoiner(", ");
      cores.forEach((name, used) -> parts.add(String.format(Locale.ROOT, "%s %.2f", name, used)));
      String compilers =
          compilerCores.isEmpty() ? "" : " (JIT compilers: " + describeCompilers() + ")";
      String idle =
          Double.isNaN(idleCores)
              ? ""
              : String.format(Locale.ROOT, "; idle %.2f of %d", idleCores, machineCores);
      String stolen =
          Double.isNaN(steal) ? "" : String.format(Locale.ROOT, "; steal %.1f%%", 100 * steal);
      return parts + " cores" + compilers + idle + stolen;
    }
  }

  Snapshot snapshot() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    Map<String, Map<Long, Double>> compilers = new LinkedHashMap<>();
    pids.forEach(
        (name, pid) -> {
          double seconds = processSeconds(pid);
          if (!Double.isNaN(seconds)) {
            cpu.put(name, seconds);
          }
          Map<Long, Double> compiling = compilerSeconds(pid);
          if (compiling != null) {
            compilers.put(name, compiling);
          }
        });
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      cpu.put(SELF, os.getProcessCpuTime() / 1e9);
    }
    return new Snapshot(
        System.nanoTime(),
        Collections.unmodifiableMap(cpu),
        Collections.unmodifiableMap(compilers),
        machine());
  }

  /** The machine's ticks now; {@link MachineTicks#UNKNOWN} where there is no {@code /proc/stat}. */
  static MachineTicks machine() {
    try (BufferedReader stat = Files.newBufferedReader(Path.of("/proc/stat"))) {
      return MachineTicks.parse(stat.readLine());
    } catch (IOException | RuntimeException e) {
      return MachineTicks.UNKNOWN; // not Linux: no machine figure
    }
  }

  Usage between(Snapshot start, Snapshot end) {
    double seconds = (end.nanoTime() - start.nanoTime()) / 1e9;
    double totalTicks = end.machine().total() - start.machine().total();
    double idleCores =
        totalTicks > 0
            ? (end.machine().idle() - start.machine().idle()) / totalTicks * this.cores
            : Double.NaN;
    return new Usage(
        rates(spent(start.cpuSeconds(), end.cpuSeconds()), seconds),
        rates(compiled(start.compilerSeconds(), end.compilerSeconds()), seconds),
        idleCores,
        this.cores,
        end.machine().stealSince(start.machine()));
  }

  /**
   * Compiler seconds spent between two snapshots, by process, for the processes read at both: per
   * thread alive at the end (a thread started since counts from zero). HotSpot stops compiler
   * threads it no longer needs, and a thread gone by the end takes its last interval's time with
   * it: an underestimate, never a negative figure.
   */
  static Map<String, Double> compiled(
      Map<String, Map<Long, Double>> start, Map<String, Map<Long, Double>> end) {
    Map<String, Double> spent = new LinkedHashMap<>();
    start.forEach(
        (name, before) -> {
          Map<Long, Double> after = end.get(name);
          if (after != null) {
            double sum = 0;
            for (Map.Entry<Long, Double> thread : after.entrySet()) {
              sum += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0.0));
            }
            spent.put(name, sum);
          }
        });
    return spent;
  }

  /** Seconds spent to seconds of CPU per second of the interval. */
  private static Map<String, Double> rates(Map<String, Double> spent, double seconds) {
    Map<String, Double> cores = new LinkedHashMap<>();
    if (seconds > 0) {
      spent.forEach((name, used) -> cores.put(name, used / seconds));
    }
    return cores;
  }

  /** Seconds spent between two readings, by name, for the names read at both. */
  private static Map<String, Double> spent(Map<String, Double> start, Map<String, Double> end) {
    Map<String, Double> spent = new LinkedHashMap<>();
    start.forEach(
        (name, before) -> {
          Double after = end.get(name);
          if (after != null) {
            spent.put(name, after - before);
          }
        });
    return spent;
  }

  private static int machineCores() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
      int n =
          (int)
              lines
                  .filter(
                      l -> l.length() > 3 && l.startsWith("cpu") && Character.isDigit(l.charAt(3)))
                  .count();
      return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** utime + stime of every thread of the process, in seconds; NaN when it cannot be read. */
  private double processSeconds(long pid) {
    try {
      return statSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * utime + stime of each of the process's HotSpot JIT compiler threads ("C1 CompilerThread0", "C2
   * CompilerThread1", ...; Linux keeps 15 characters of a thread's name), in seconds, by thread id;
   * null when its threads cannot be read. A thread that ended between listing and reading is left
   * out.
   */
  private Map<Long, Double> compilerSeconds(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (Stream<Path> threads = Files.list(tasks)) {
      Map<Long, Double> seconds = new LinkedHashMap<>();
      for (Path thread : (Iterable<Path>) threads::iterator) {
        try {
          String name = Files.readString(thread.resolve("comm")).trim();
          if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            seconds.put(
                Long.parseLong(thread.getFileName().toString()),
                statSeconds(Files.readString(thread.resolve("stat"))));
          }
        } catch (IOException e) {
          // the thread ended
        }
      }
      return seconds;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** utime + stime of a {@code /proc/.../stat} line, in seconds. */
  private double statSeconds(String stat) {
    // pid (comm) state ppid ... : comm may hold spaces, so fields are counted after its ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // after ')': f[0] is field 3 (state), so utime (field 14) is f[11] and stime (15) f[12]
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticksPerSecond;
  }
}

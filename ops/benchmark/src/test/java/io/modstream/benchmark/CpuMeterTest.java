package io.modstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

  @Test
  void measuresTheCoresAProcessUses() {
    assumeThat(Files.exists(Path.of("/proc/self/stat"))).as("Linux /proc").isTrue();
    long self = ProcessHandle.current().pid();
    CpuMeter meter = new CpuMeter(Map.of("me", self, "gone", Long.MAX_VALUE), 100);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    CpuMeter.Snapshot start = meter.snapshot();
    long spinStart = System.nanoTime();
    long threadStart = threads.getCurrentThreadCpuTime();
    long until = spinStart + 600_000_000L;
    double sink = 0;
    while (System.nanoTime() < until) {
      sink += Math.sqrt(sink + 1);
    }
    double spun =
        (threads.getCurrentThreadCpuTime() - threadStart)
            / (double) (System.nanoTime() - spinStart);
    CpuMeter.Usage usage = meter.between(start, meter.snapshot());

    assertThat(sink).isPositive();
    assertThat(spun).as("this thread's own cores while it spun").isPositive();
    // The process used at least what this one thread did (less a tick or two of /proc's 10 ms
    // counting) and, with its JIT compilers and GC beside it, at most every core of the machine:
    // by /proc and by the JVM's own count. A wrong clock rate or field would miss by a factor.
    double all = usage.machineCores() + 0.2;
    assertThat(usage.of("me")).isBetween(0.85 * spun, all);
    assertThat(usage.of(CpuMeter.SELF)).isBetween(0.85 * spun, all);
    assertThat(usage.of("gone")).as("a process that does not exist has no figure").isNaN();
    assertThat(usage.idleCores()).isBetween(0.0, (double) usage.machineCores());
    assertThat(usage.steal()).isBetween(0.0, 1.0);
    assertThat(usage.describe())
        .matches(
            "me \\d+\\.\\d\\d, bench \\d+\\.\\d\\d cores \\(JIT compilers: me \\d+\\.\\d\\d\\);"
                + " idle \\d+\\.\\d\\d of \\d+; steal \\d+\\.\\d%");
  }

  @Test
  void measuresAProcesssJitCompilerThreads() throws InterruptedException {
    assumeThat(Files.exists(Path.of("/proc/self/task"))).as("Linux /proc").isTrue();
    CpuMeter meter =
        new CpuMeter(Map.of("me", ProcessHandle.current().pid(), "gone", Long.MAX_VALUE), 100);
    CpuMeter.Snapshot start = meter.snapshot();
    Thread.sleep(500); // /proc counts in ticks of 10 ms: a rate needs an interval many ticks long
    CpuMeter.Usage usage = meter.between(start, meter.snapshot());

    // This JVM has compiled JUnit's and AssertJ's code by now: its C1 and C2 threads have run.
    double compiled =
        start.compilerSeconds().get("me").values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(compiled).isPositive().isLessThan(start.cpuSeconds().get("me"));
    assertThat(start.compilerSeconds()).doesNotContainKey("gone");
    assertThat(usage.compilers()).isBetween(0.0, (double) usage.machineCores());
    assertThat(meter.between(start, start).compilers()).as("no time, no rate").isNaN();
  }

  @Test
  void aCompilerThreadThatStoppedNeitherCountsNorMakesTheFigureNegative() {
    // app: thread 1 ran 0.5 s more, thread 2 (with 3 s) stopped, thread 3 started and ran 0.2 s
    Map<String, Map<Long, Double>> start =
        Map.of("app", Map.of(1L, 1.0, 2L, 3.0), "gone", Map.of(7L, 1.0));
    Map<String, Map<Long, Double>> end = Map.of("app", Map.of(1L, 1.5, 3L, 0.2));

    Map<String, Double> spent = CpuMeter.compiled(start, end);

    assertThat(spent).containsOnlyKeys("app");
    assertThat(spent.get("app")).isCloseTo(0.7, Offset.offset(1e-9));
  }

  @Test
  void readsIdleStealAndTotalFromProcStat() {
    CpuMeter.MachineTicks start = CpuMeter.MachineTicks.parse("cpu  100 5 50 800 10 1 2 40 0 0");
    CpuMeter.MachineTicks end = CpuMeter.MachineTicks.parse("cpu  300 5 100 900 10 1 2 140 0 0");

    assertThat(start).isEqualTo(new CpuMeter.MachineTicks(810, 40, 1008));
    assertThat(end.stealSince(start)).as("100 of 450 ticks").isEqualTo(100.0 / 450);
    assertThat(start.stealSince(start)).isNaN();
    Assertions.assertThatThrownBy(() -> CpuMeter.MachineTicks.parse("cpu0 1 2 3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/proc/stat");
  }

  @Test
  void refusesANonPositiveClockRate() {
    Assertions.assertThatThrownBy(() -> new CpuMeter(Map.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CLK_TCK");
  }
}

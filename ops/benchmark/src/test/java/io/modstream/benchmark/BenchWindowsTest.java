package io.modstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchWindowsTest {

  private static final long WINDOW_MS = BenchCommand.WINDOW_SECONDS * 1000L;

  @Test
  void eachFullWindowHasItsOwnP99() {
    // three full windows of 100 comments (latency 10 ms, except one window's slowest two at
    // 400 ms), sent out of order, then a partial fourth window that must not count
    int n = 305;
    long[] sent = new long[n];
    long[] latencies = new long[n];
    long start = 1_700_000_000_000L;
    for (int i = 0; i < 300; i++) {
      int window = i % 3;
      sent[i] = start + window * WINDOW_MS + (i / 3) * (WINDOW_MS / 100);
      latencies[i] = window == 1 && i / 3 >= 98 ? 400 : 10;
    }
    for (int i = 300; i < n; i++) {
      sent[i] = start + 3 * WINDOW_MS + (i - 300);
      latencies[i] = 9_999;
    }

    // the machine sampled every second: 1% steal, 30% in the second window
    BenchCommand.MachineSamples machine = new BenchCommand.MachineSamples();
    double steal = 0;
    for (int second = 0; second <= 40; second++) {
      machine.add(start + second * 1000L, new CpuMeter.MachineTicks(0, steal, second * 200.0));
      steal += second >= 10 && second < 20 ? 60 : 2;
    }

    BenchCommand.Windows windows = BenchCommand.Windows.of(sent, latencies, n, machine);

    assertThat(windows.count()).isEqualTo(3);
    assertThat(windows.median()).isEqualTo(10);
    assertThat(windows.worst()).as("p99 of 100 with two at 400 ms").isEqualTo(400);
    assertThat(windows.p99s()).as("in time order").containsExactly(10L, 400L, 10L);
    assertThat(windows.steal()).containsExactly(0.01, 0.30, 0.01);
  }

  @Test
  void stealIsUnknownWithoutSamples() {
    long[] sent = {0, WINDOW_MS, 2 * WINDOW_MS};
    long[] latencies = {5, 6, 7};
    BenchCommand.Windows windows =
        BenchCommand.Windows.of(sent, latencies, 3, new BenchCommand.MachineSamples());
    assertThat(windows.steal()).hasSize(2).allMatch(v -> Double.isNaN(v));
  }

  @Test
  void fewerThanTwoFullWindowsGiveNone() {
    long[] sent = {0, 1_000, WINDOW_MS + 5};
    long[] latencies = {5, 6, 7};
    BenchCommand.MachineSamples none = new BenchCommand.MachineSamples();
    assertThat(BenchCommand.Windows.of(sent, latencies, 3, none)).isNull();
    assertThat(BenchCommand.Windows.of(new long[0], new long[0], 0, none)).isNull();
  }
}

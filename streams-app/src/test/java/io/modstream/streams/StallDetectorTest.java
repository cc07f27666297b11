package io.modstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class StallDetectorTest {

  /** A stream thread's poll-total as Kafka Streams reports it. */
  private static final class PollTotal implements Metric {
    final MetricName name;
    double value;

    PollTotal(String thread) {
      name = new MetricName("poll-total", "stream-thread-metrics", "", Map.of("thread-id", thread));
    }

    @Override
    public MetricName metricName() {
      return name;
    }

    @Override
    public Object metricValue() {
      return value;
    }
  }

  private static final StackTraceElement[] IN_FLUSH = {
    new StackTraceElement("java.lang.Object", "wait", null, -1),
    new StackTraceElement(
        "org.apache.kafka.clients.producer.internals.ProduceRequestResult", "await", null, 1),
    new StackTraceElement("org.apache.kafka.clients.producer.KafkaProducer", "flush", null, 1),
    new StackTraceElement(
        "org.apache.kafka.streams.processor.internals.StreamsProducer", "flush", null, 1),
    new StackTraceElement(
        "org.apache.kafka.streams.processor.internals.TaskExecutor",
        "commitOffsetsOrTransaction",
        null,
        1),
    new StackTraceElement(
        "org.apache.kafka.streams.processor.internals.StreamThread", "maybeCommit", null, 1),
  };

  private static double metric(StallDetector d, String name) {
    return d.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aThreadWhoseLoopStandsStillIsReportedWithItsCauseAndRecovers() throws Exception {
    PollTotal moving = new PollTotal("app-StreamThread-1");
    PollTotal stuck = new PollTotal("app-StreamThread-2");
    Map<MetricName, Metric> streamsMetrics = new HashMap<>();
    streamsMetrics.put(moving.name, moving);
    streamsMetrics.put(stuck.name, stuck);
    AtomicLong clock = new AtomicLong(1_000_000);
    try (StallDetector detector =
        new StallDetector(
            () -> streamsMetrics,
            Duration.ofSeconds(30),
            "app-1",
            clock::get,
            thread -> thread.equals("app-StreamThread-2") ? IN_FLUSH : new StackTraceElement[0])) {
      detector.check();
      String beforeThreshold =
          ItSupport.stderrOf(
                  () -> {
                    for (int s = 0; s < 30; s += 5) {
                      clock.addAndGet(5_000);
                      moving.value++;
                      detector.check();
                    }
                    return null;
                  })
              .text();
      assertThat(beforeThreshold).doesNotContain("WARN");
      assertThat(detector.isStalled()).isFalse();
      assertThat(metric(detector, StallDetector.STALLED_THREADS)).isZero();

      String logged =
          ItSupport.stderrOf(
                  () -> {
                    clock.addAndGet(5_000);
                    moving.value++;
                    detector.check();
                    return null;
                  })
              .text();
      assertThat(detector.isStalled()).isTrue();
      assertThat(detector.stalledThreads()).isOne();
      assertThat(metric(detector, StallDetector.STALLED_THREADS)).isEqualTo(1);
      assertThat(metric(detector, StallDetector.STALLS_TOTAL)).isEqualTo(1);
      assertThat(logged)
          .contains("WARN")
          .contains("stream thread app-StreamThread-2: no commit or processing progress for 35 s")
          .contains("KafkaProducer.flush, inside a commit")
          .contains("a partition leader may be unavailable")
          .contains("replication.factor")
          .doesNotContain("app-StreamThread-1");

      // Still stuck: no second warning within a minute, and the stall is counted once.
      String again =
          ItSupport.stderrOf(
                  () -> {
                    clock.addAndGet(10_000);
                    detector.check();
                    return null;
                  })
              .text();
      assertThat(again).doesNotContain("WARN");
      assertThat(metric(detector, StallDetector.STALLS_TOTAL)).isEqualTo(1);

      String recovered =
          ItSupport.stderrOf(
                  () -> {
                    clock.addAndGet(5_000);
                    stuck.value++;
                    detector.check();
                    return null;
                  })
              .text();
      assertThat(recovered).contains("app-StreamThread-2 moves again after 50 s");
      assertThat(detector.isStalled()).isFalse();
      assertThat(metric(detector, StallDetector.STALLED_THREADS)).isZero();
      assertThat(metric(detector, StallDetector.STALLS_TOTAL)).isEqualTo(1);
    }
  }

  @Test
  void aRemovedThreadIsForgottenAndAnIdleAppIsNotStalled() {
    PollTotal thread = new PollTotal("app-StreamThread-1");
    Map<MetricName, Metric> streamsMetrics = new HashMap<>();
    streamsMetrics.put(thread.name, thread);
    AtomicLong clock = new AtomicLong(0);
    try (StallDetector detector =
        new StallDetector(
            () -> streamsMetrics,
            Duration.ofSeconds(1),
            "app-2",
            clock::get,
            t -> new StackTraceElement[0])) {
      detector.check();
      clock.addAndGet(2_000);
      detector.check();
      assertThat(detector.isStalled()).isTrue();
      streamsMetrics.clear();
      detector.check();
      assertThat(detector.isStalled()).isFalse();
    }
  }

  @Test
  void aThreadStuckOutsideKafkaIsNotBlamedOnTheBrokers() {
    String w =
        StallDetector.warning(
            "t",
            40_000,
            new StackTraceElement[] {
              new StackTraceElement("io.modstream.model.ModerationModel", "decide", null, 1),
              new StackTraceElement(
                  "org.apache.kafka.streams.processor.internals.StreamTask", "process", null, 1)
            });
    assertThat(w)
        .contains("no commit or processing progress for 40 s (waiting in ModerationModel.decide)")
        .contains("batch.size")
        .doesNotContain("partition leader");
  }
}

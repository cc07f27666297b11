package io.modstream.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a stream thread that stopped making progress, which Kafka Streams itself does not do for
 * minutes: a thread blocked in {@code KafkaProducer.flush()} inside a commit (a partition without a
 * leader) logs nothing until the producer's delivery timeout. A thread is stalled when it has not
 * completed a loop of poll, process, punctuate and commit for {@code stall.threshold.ms}; then this
 * logs a WARN naming where the thread waits and the likely cause, counts it in the metrics {@code
 * stalled-threads} and {@code stalls-total} (JMX domain {@code modstream}, type {@code
 * stream-health}), and {@link #isStalled()} is true until the thread moves again.
 *
 * <p>The signal is each thread's {@code poll-total} in Kafka Streams' own metrics: the thread's
 * loop records it on every pass, idle or busy, while rebalancing or restoring, so a counter that
 * stands still means a thread stuck in one place. Commit counts stand still whenever no input
 * arrives, and a punctuator of the topology runs only while the thread has running tasks, so
 * neither tells an idle app from a stuck one.
 */
public final class StallDetector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StallDetector.class);

  /** JMX domain of the app's own metrics. */
  public static final String JMX_DOMAIN = "modstream";

  /** Group (JMX type) of the stall metrics. */
  public static final String GROUP = "stream-health";

  /** Gauge: stream threads stalled now. */
  public static final String STALLED_THREADS = "stalled-threads";

  /** Counter: stalls reported since start (one per thread and stall). */
  public static final String STALLS_TOTAL = "stalls-total";

  private static final String THREAD_GROUP = "stream-thread-metrics";
  private static final String POLL_TOTAL = "poll-total";
  private static final long REPEAT_MS = 60_000;

  private final Supplier<Map<MetricName, ? extends Metric>> streamsMetrics;
  private final long thresholdMs;
  private final LongSupplier clock;
  private final Function<String, StackTraceElement[]> stackOf;
  private final Metrics metrics;
  private final Map<String, Progress> threads = new HashMap<>();
  private volatile int stalledNow;
  private final AtomicLong stallsTotal = new AtomicLong();
  private ScheduledExecutorService timer;

  /** One thread's last seen loop count, since when, and the last warning about it. */
  private static final class Progress {
    double polls;
    long sinceMs;
    long warnedAtMs = -1;
  }

  /**
   * Creates a detector over a Kafka Streams client's metrics.
   *
   * @param streamsMetrics the client's metrics ({@code KafkaStreams::metrics})
   * @param threshold how long a thread may go without progress
   * @param clientId the Kafka Streams client's id, a tag of this detector's metrics
   * @param clock wall clock in milliseconds
   * @param stackOf a thread's stack by name, for the warning (empty when unknown)
   */
  StallDetector(
      Supplier<Map<MetricName, ? extends Metric>> streamsMetrics,
      Duration threshold,
      String clientId,
      LongSupplier clock,
      Function<String, StackTraceElement[]> stackOf) {
    this.streamsMetrics = streamsMetrics;
    this.thresholdMs = threshold.toMillis();
    this.clock = clock;
    this.stackOf = stackOf;
    this.metrics =
        new Metrics(
            new MetricConfig(),
            List.of(new JmxReporter()),
            Time.SYSTEM,
            new KafkaMetricsContext(JMX_DOMAIN));
    Map<String, String> tags = Map.of("client-id", clientId);
    metrics.addMetric(
        metrics.metricName(STALLED_THREADS, GROUP, "Stream threads stalled now.", tags),
        (Gauge<Integer>) (config, now) -> stalledNow);
    metrics.addMetric(
        metrics.metricName(
            STALLS_TOTAL, GROUP, "Stalls reported since start, one per thread and stall.", tags),
        (Gauge<Long>) (config, now) -> stallsTotal.get());
  }

  /**
   * Creates a detector for a running app's threads, on the wall clock.
   *
   * @param streamsMetrics the client's metrics ({@code KafkaStreams::metrics})
   * @param threshold how long a thread may go without progress
   * @param clientId the Kafka Streams client's id
   * @return the detector, not yet checking
   */
  static StallDetector of(
      Supplier<Map<MetricName, ? extends Metric>> streamsMetrics,
      Duration threshold,
      String clientId) {
    return new StallDetector(
        streamsMetrics, threshold, clientId, System::currentTimeMillis, StallDetector::stackOf);
  }

  /** Checks every few seconds, so a stall is reported at most a few seconds past the threshold. */
  synchronized void start() {
    if (timer != null) {
      return;
    }
    long interval = Math.max(25, Math.min(5_000, thresholdMs / 4));
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "modstream-stall-detector");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** Reads every stream thread's loop count and reports the threads stalled past the threshold. */
  synchronized void check() {
    long now = clock.getAsLong();
    Map<String, Double> polls = new HashMap<>();
    streamsMetrics
        .get()
        .forEach(
            (name, metric) -> {
              if (POLL_TOTAL.equals(name.name()) && THREAD_GROUP.equals(name.group())) {
                Object value = metric.metricValue();
                if (value instanceof Number n) {
                  polls.put(name.tags().get("thread-id"), n.doubleValue());
                }
              }
            });
    int stalled = 0;
    for (Iterator<Map.Entry<String, Progress>> it = threads.entrySet().iterator(); it.hasNext(); ) {
      if (!polls.containsKey(it.next().getKey())) {
        it.remove(); // the thread was replaced or removed
      }
    }
    for (Map.Entry<String, Double> e : polls.entrySet()) {
      String thread = e.getKey();
      Progress p = threads.get(thread);
      if (p == null) {
        p = new Progress();
        p.polls = e.getValue();
        p.sinceMs = now;
        threads.put(thread, p);
        continue;
      }
      if (e.getValue() != p.polls) {
        if (p.warnedAtMs >= 0) {
          LOG.info(
              "stream thread {} moves again after {} s without progress",
              thread,
              (now - p.sinceMs) / 1000);
        }
        p.polls = e.getValue();
        p.sinceMs = now;
        p.warnedAtMs = -1;
        continue;
      }
      long stuckMs = now - p.sinceMs;
      if (stuckMs <= thresholdMs) {
        continue;
      }
      stalled++;
      if (p.warnedAtMs < 0) {
        stallsTotal.incrementAndGet();
      }
      if (p.warnedAtMs < 0 || now - p.warnedAtMs >= REPEAT_MS) {
        p.warnedAtMs = now;
        LOG.warn(warning(thread, stuckMs, stackOf.apply(thread)));
      }
    }
    stalledNow = stalled;
  }

  /**
   * The warning for a stalled thread: how long, where it waits, and what to check.
   *
   * @param thread the stream thread's name
   * @param stuckMs how long it has made no progress
   * @param stack its stack, empty when unknown
   * @return the message
   */
  static String warning(String thread, long stuckMs, StackTraceElement[] stack) {
    boolean producer = false;
    boolean commit = false;
    String top = null;
    for (StackTraceElement f : stack) {
      String cls = f.getClassName();
      boolean inProducer = cls.endsWith(".KafkaProducer");
      if ((top == null || inProducer && !producer)
          && (cls.startsWith("org.apache.kafka.") || cls.startsWith("io.modstream."))) {
        top = cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName();
      }
      producer |= inProducer;
      commit |=
          f.getMethodName().toLowerCase(Locale.ROOT).contains("commit")
              && cls.startsWith("org.apache.kafka.streams.");
    }
    StringBuilder sb =
        new StringBuilder("stream thread ")
            .append(thread)
            .append(": no commit or processing progress for ")
            .append(stuckMs / 1000)
            .append(" s");
    if (top != null) {
      sb.append(" (waiting in ").append(top).append(commit ? ", inside a commit)" : ")");
    }
    if (producer || commit) {
      sb.append(
          ": a partition leader may be unavailable; check broker health and that internal topics"
              + " are replicated (replication.factor, min.insync.replicas)");
    } else {
      sb.append(
          ": check broker health; if it is scoring, a batch takes too long (batch.size,"
              + " scoring.engine)");
    }
    return sb.toString();
  }

  private static StackTraceElement[] stackOf(String threadName) {
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getName().equals(threadName)) {
        return e.getValue();
      }
    }
    return new StackTraceElement[0];
  }

  /**
   * Returns whether a stream thread is stalled now (as of the last check).
   *
   * @return true while at least one thread is stalled
   */
  public boolean isStalled() {
    return stalledNow > 0;
  }

  /**
   * Returns the stream threads stalled now (as of the last check).
   *
   * @return the count
   */
  public int stalledThreads() {
    return stalledNow;
  }

  /**
   * Returns this detector's metrics, as JMX reports them.
   *
   * @return the metrics by name
   */
  public Map<MetricName, KafkaMetric> metrics() {
    return metrics.metrics();
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    metrics.close();
  }
}

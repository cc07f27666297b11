package io.modstream.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modstream.model.ModerationModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The streams app's own metrics (docs/operations.md, "Metrics and health"), on Micrometer, exposed
 * at {@code /metrics} in Prometheus' names ({@code modstream.comments.scored} is {@code
 * modstream_comments_scored_total}). The meters are resolved ahead of the hot path: one counter per
 * dead-letter reason in an array, one per flagged label, and the scored counter of the served model
 * cached with it, so a scored batch costs no registry lookup. With {@code http.port=-1} the
 * registry is an empty composite, whose meters do nothing: metrics off means instrumentation off.
 */
public final class ScoringMetrics implements AutoCloseable {

  /** Metric name prefix of the app's own metrics. */
  public static final String PREFIX = "modstream.";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final Counter[] deadLetters;
  private final DistributionSummary batchSize;
  private final Timer scoringLatency;
  private final Timer endToEndDelay;
  private final Counter swaps;
  private final Counter[] refused = new Counter[Refusal.values().length];
  private final AtomicLong loadedAtMs = new AtomicLong();
  private final List<Runnable> closers = new ArrayList<>();
  private volatile Map<String, Counter> flagged = Map.of();
  private volatile Served served;

  /** The served model, its scored counter and its info gauge, swapped together. */
  private record Served(ModerationModel model, Counter scored, Gauge info) {}

  /** Reasons of {@code modstream_releases_refused_total}. */
  enum Refusal {
    /** A signed record no newer than one already served: a replay. */
    REPLAYED,
    /** Unsigned, signed by an unknown key, or changed after signing. */
    UNTRUSTED,
    /** The bundle failed to fetch, verify or load, or its labels differ. */
    INVALID;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private ScoringMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    DeadLetter[] reasons = DeadLetter.values();
    deadLetters = new Counter[reasons.length];
    for (DeadLetter reason : reasons) {
      deadLetters[reason.ordinal()] =
          Counter.builder(PREFIX + "dead.letters")
              .description("Records sent to the dead-letter topic, by reason.")
              .tag("reason", reason.name())
              .register(registry);
    }
    batchSize =
        DistributionSummary.builder(PREFIX + "batch.size")
            .description("Comments per scoring call (all waiting tasks of a stream thread).")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
            .register(registry);
    scoringLatency =
        Timer.builder(PREFIX + "scoring.latency")
            .description("Time of one scoring call (one batch through the model).")
            .serviceLevelObjectives(millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000))
            .register(registry);
    endToEndDelay =
        Timer.builder(PREFIX + "end.to.end.delay")
            .description("From a comment's record timestamp to its decision.")
            .serviceLevelObjectives(
                millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000))
            .register(registry);
    swaps =
        Counter.builder(PREFIX + "model.swaps")
            .description("Releases swapped to while serving.")
            .register(registry);
    for (Refusal r : Refusal.values()) {
      refused[r.ordinal()] =
          Counter.builder(PREFIX + "releases.refused")
              .description("Releases refused, by reason; the current model keeps serving.")
              .tag("reason", r.label())
              .register(registry);
    }
    Gauge.builder(PREFIX + "model.loaded.timestamp", loadedAtMs, ms -> ms.get() / 1000.0)
        .description("When the served model was loaded (Unix time).")
        .baseUnit("seconds")
        .register(registry);
  }

  private static Duration[] millis(long... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofMillis(values[i]);
    }
    return out;
  }

  /**
   * Metrics for {@code /metrics}: a Prometheus registry with the JVM's metrics bound.
   *
   * @return the metrics
   */
  public static ScoringMetrics prometheus() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScoringMetrics metrics = new ScoringMetrics(prometheus, prometheus);
    new JvmMemoryMetrics().bindTo(prometheus);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(prometheus);
    metrics.closers.add(gc::close);
    new JvmThreadMetrics().bindTo(prometheus);
    new ClassLoaderMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    new UptimeMetrics().bindTo(prometheus);
    return metrics;
  }

  /**
   * Metrics off: every meter is a no-op and nothing is bound.
   *
   * @return the metrics
   */
  public static ScoringMetrics off() {
    return new ScoringMetrics(new CompositeMeterRegistry(), null);
  }

  /**
   * Returns the registry the meters are in (an empty composite when off).
   *
   * @return the registry
   */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Returns the metrics in Prometheus text format; empty when off.
   *
   * @return the scrape
   */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  /** Binds a Kafka Streams client's metrics and those of its clients (kafka_stream_*, ...). */
  void bind(KafkaStreams streams, IntSupplier stalledThreads) {
    if (prometheus == null) {
      return;
    }
    KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams);
    kafka.bindTo(registry);
    closers.add(kafka::close);
    // Micrometer holds a gauge's state weakly: a method reference alone would be collected.
    Gauge.builder(PREFIX + "stalled.threads", stalledThreads, s -> s.getAsInt())
        .description("Stream threads without progress for stall.threshold.ms.")
        .strongReference(true)
        .register(registry);
  }

  /** Pre-resolves the counters of the model's labels (the topology's flagged sinks). */
  synchronized void labels(List<String> labels) {
    Map<String, Counter> byLabel = new HashMap<>(flagged);
    for (String label : labels) {
      byLabel.computeIfAbsent(
          label,
          l ->
              Counter.builder(PREFIX + "flagged")
                  .description("Comments flagged, by label.")
                  .tag("label", l)
                  .register(registry));
    }
    // Read by the stream threads without a lock: replaced whole, never changed in place.
    flagged = Map.copyOf(byLabel);
  }

  /**
   * The model now served: its version in {@code modstream_model_info}, when it was loaded, and the
   * counter its scored comments go to.
   */
  synchronized void serving(ModerationModel model) {
    Served before = served;
    if (before != null && before.model() == model) {
      return;
    }
    String version = model.info().version();
    Counter scored =
        Counter.builder(PREFIX + "comments.scored")
            .description("Comments scored, by the version of the model that decided them.")
            .tag("model_version", version)
            .register(registry);
    if (before != null) {
      registry.remove(before.info());
    }
    Gauge info =
        Gauge.builder(PREFIX + "model.info", () -> 1)
            .description("The served model: 1, with its version as a label.")
            .tag("model_version", version)
            .register(registry);
    loadedAtMs.set(System.currentTimeMillis());
    served = new Served(model, scored, info);
    labels(model.labels());
  }

  /** A scoring call by {@code model}: its size and time. */
  void scored(ModerationModel model, int comments, long nanos) {
    Served s = served;
    Counter scored =
        s != null && s.model() == model ? s.scored() : versionCounter(model.info().version());
    scored.increment(comments);
    batchSize.record(comments);
    scoringLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A batch still in flight on a model just swapped out counts under its own version. */
  private Counter versionCounter(String version) {
    return registry.counter(PREFIX + "comments.scored", "model_version", version);
  }

  /** A decided comment: its record timestamp to decision. */
  void decided(long recordTimestampMs, long decidedAtMs) {
    endToEndDelay.record(Math.max(0, decidedAtMs - recordTimestampMs), TimeUnit.MILLISECONDS);
  }

  /** A comment flagged with {@code label}. */
  void flagged(String label) {
    Counter c = flagged.get(label);
    if (c != null) {
      c.increment();
    }
  }

  /** A record dead-lettered. */
  void deadLetter(DeadLetter reason) {
    deadLetters[reason.ordinal()].increment();
  }

  /** A swap to a new release. */
  void swapped(ModerationModel next) {
    serving(next);
    swaps.increment();
  }

  /** A release refused. */
  void refused(Refusal reason) {
    refused[reason.ordinal()].increment();
  }

  @Override
  public void close() {
    closers.forEach(Runnable::run);
    registry.close();
  }
}

package io.modstream.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modstream.schemas.FeedbackSource;
import io.modstream.trainer.retrain.Retrainer;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The retraining service's metrics (docs/operations.md, "Metrics and health"): feedback by source,
 * runs by outcome, the gate's figures of the last decision and run durations, plus the JVM's; read
 * from each decision's record, so the retrainer itself knows nothing of them.
 */
final class ServeMetrics implements AutoCloseable {

  private static final String PREFIX = "modstream.";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a run ended: the {@code outcome} label of {@code modstream_retrain_runs_total}. */
  enum Outcome {
    /** The candidate passed the gate and was released. */
    RELEASED,
    /** The gate rejected the candidate; the champion keeps serving. */
    REJECTED,
    /** A poll found the cluster away, so no run could be considered. */
    SKIPPED,
    /** The run failed (cluster, data, disk); its feedback waits for the next trigger. */
    FAILED
  }

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final JvmGcMetrics gc;
  private final Counter[] runs = new Counter[Outcome.values().length];
  private final Timer duration;
  private final Map<String, AtomicLong> feedback = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> gate = new ConcurrentHashMap<>();

  private ServeMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    for (Outcome o : Outcome.values()) {
      runs[o.ordinal()] =
          Counter.builder(PREFIX + "retrain.runs")
              .description("Retraining runs, by outcome.")
              .tag("outcome", o.name().toLowerCase(Locale.ROOT))
              .register(registry);
    }
    duration =
        Timer.builder(PREFIX + "retrain.duration")
            .description("Time of a retraining run, from reading feedback to its decision.")
            .register(registry);
    for (FeedbackSource source : FeedbackSource.values()) {
      feedbackCounter(source.name());
    }
    // NaN until the first decision, so dashboards find the series from the start.
    gateGauge("champion", "mean_roc_auc");
    gateGauge("candidate", "mean_roc_auc");
    if (prometheus != null) {
      gc = new JvmGcMetrics();
      gc.bindTo(registry);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
    } else {
      gc = null;
    }
  }

  /** Metrics for {@code /metrics}, the JVM's included. */
  static ServeMetrics prometheus() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new ServeMetrics(prometheus, prometheus);
  }

  /** Metrics off ({@code --http-port -1}): every meter is a no-op. */
  static ServeMetrics off() {
    return new ServeMetrics(new CompositeMeterRegistry(), null);
  }

  /** The metrics in Prometheus text format; empty when off. */
  String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  /** A run that ended with a decision, and how long it took. */
  void decided(Retrainer.Decision decision, long nanos) throws IOException {
    duration.record(nanos, TimeUnit.NANOSECONDS);
    runs[(decision.released() ? Outcome.RELEASED : Outcome.REJECTED).ordinal()].increment();
    JsonNode record = JSON.readTree(decision.record());
    for (Map.Entry<String, JsonNode> e : record.path("feedback_by_source").properties()) {
      feedbackCounter(e.getKey()).set(e.getValue().asLong());
    }
    for (String model : new String[] {"champion", "candidate"}) {
      JsonNode figures = record.path(model);
      gateGauge(model, "mean_roc_auc").set(bits(figures.path("mean_roc_auc").asDouble(Double.NaN)));
      for (Map.Entry<String, JsonNode> e : figures.path("roc_auc").properties()) {
        gateGauge(model, "roc_auc_" + e.getKey()).set(bits(e.getValue().asDouble(Double.NaN)));
      }
    }
  }

  /** A run that failed before its decision. */
  void failed(long nanos) {
    duration.record(nanos, TimeUnit.NANOSECONDS);
    runs[Outcome.FAILED.ordinal()].increment();
  }

  /** A poll that found the cluster away. */
  void skipped() {
    runs[Outcome.SKIPPED.ordinal()].increment();
  }

  private AtomicLong feedbackCounter(String source) {
    return feedback.computeIfAbsent(
        source,
        s -> {
          AtomicLong count = new AtomicLong();
          FunctionCounter.builder(PREFIX + "feedback.records", count, AtomicLong::get)
              .description(
                  "Feedback records (the latest verdict per comment) read by the last run, by"
                      + " source.")
              .tag("source", s)
              .register(registry);
          return count;
        });
  }

  private AtomicLong gateGauge(String model, String metric) {
    return gate.computeIfAbsent(
        model + "/" + metric,
        k -> {
          AtomicLong value = new AtomicLong(bits(Double.NaN));
          Gauge.builder(PREFIX + "gate.score", value, v -> Double.longBitsToDouble(v.get()))
              .description("The gate's figures of the last decision, for champion and candidate.")
              .tag("model", model)
              .tag("metric", metric)
              .register(registry);
          return value;
        });
  }

  private static long bits(double value) {
    return Double.doubleToLongBits(value);
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}

package io.modstream.streams;

import io.modstream.model.ModerationModel;
import io.modstream.schemas.AvroSerde;
import io.modstream.schemas.LogFormat;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.UntrustedReleaseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Follows the {@code model-releases} topic in every instance (a consumer with no group, assigned
 * every partition) and swaps the served model when a new release of this instance's model arrives.
 * Loading, verification and warm-up run on this follower's own thread, never on a stream thread;
 * the swap itself is one reference write. A release that fails is refused, logged and counted, and
 * the current model keeps serving. The counts are JMX metrics too, in {@code
 * modstream:type=release-follower-metrics}: {@code release-swaps-total}, {@code
 * release-refused-total} and, of those, {@code release-untrusted-total} (refused for their
 * signature).
 */
@SuppressWarnings("try") // close() waits for the follower thread, so it may be interrupted
public final class ReleaseFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseFollower.class);
  private static final String METRICS_GROUP = "release-follower-metrics";

  /** Numbers the followers of one JVM, so each registers its own MBean. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final String topic;
  private final String modelName;
  private final ModelHolder models;
  private final ReleaseLoader loader;
  private final AtomicReference<String> lastRefused = new AtomicReference<>();
  private final AtomicReference<Instant> newestServed;
  private final AtomicInteger swaps = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger untrusted = new AtomicInteger();
  private final Metrics metrics;
  private final KafkaConsumer<String, ModelRelease> consumer;
  private final ScoringMetrics scoringMetrics;
  private final Thread thread;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile boolean running = true;

  ReleaseFollower(
      Map<String, ?> connection,
      String topic,
      String modelName,
      ModelHolder models,
      ReleaseLoader loader,
      Instant servedReleaseCreatedAt,
      List<ReleaseLoader.Refusal> refusedAtStart,
      ScoringMetrics scoringMetrics) {
    this.scoringMetrics = scoringMetrics;
    this.topic = Objects.requireNonNull(topic);
    this.modelName = Objects.requireNonNull(modelName);
    this.models = models;
    this.loader = loader;
    this.newestServed = new AtomicReference<>(servedReleaseCreatedAt);
    // The newer releases refused when the instance started count as this follower's refusals, so
    // the metrics show a forged latest release from the start.
    for (int i = refusedAtStart.size() - 1; i >= 0; i--) {
      ReleaseLoader.Refusal r = refusedAtStart.get(i);
      lastRefused.set(r.toString());
      refused.incrementAndGet();
      if (r.untrusted()) {
        untrusted.incrementAndGet();
      }
      scoringMetrics.refused(
          r.untrusted() ? ScoringMetrics.Refusal.UNTRUSTED : ScoringMetrics.Refusal.INVALID);
    }
    this.consumer =
        new KafkaConsumer<>(
            ModelReleases.consumerConfig(connection),
            new StringDeserializer(),
            AvroSerde.of(ModelRelease.class));
    this.thread = new Thread(this::run, "release-follower");
    this.thread.setDaemon(true);
    this.metrics = metrics(modelName, swaps, refused, untrusted);
  }

  private static Metrics metrics(
      String modelName, AtomicInteger swaps, AtomicInteger refused, AtomicInteger untrusted) {
    JmxReporter jmx = new JmxReporter();
    jmx.configure(Map.of());
    Metrics m =
        new Metrics(
            new MetricConfig(),
            List.of(jmx),
            Time.SYSTEM,
            new KafkaMetricsContext(ScoringProcessor.METRICS_SCOPE));
    Map<String, String> tags =
        Map.of("model", modelName, "follower", Integer.toString(INSTANCES.incrementAndGet()));
    m.addMetric(
        m.metricName("release-swaps-total", METRICS_GROUP, "Releases swapped to.", tags),
        (Measurable) (config, now) -> swaps.get());
    m.addMetric(
        m.metricName(
            "release-refused-total",
            METRICS_GROUP,
            "Releases refused for any reason (signature, digest, invalid bundle, labels).",
            tags),
        (Measurable) (config, now) -> refused.get());
    m.addMetric(
        m.metricName(
            "release-untrusted-total",
            METRICS_GROUP,
            "Releases refused because their signature does not vouch for them: unsigned, by an"
                + " unknown key, or changed after signing.",
            tags),
        (Measurable) (config, now) -> untrusted.get());
    return m;
  }

  /** Starts following from the current end of the topic (what is there now is already served). */
  public void start() {
    List<TopicPartition> parts = ModelReleases.partitions(consumer, topic);
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, ModelRelease> r : consumer.poll(Duration.ofMillis(500))) {
          ModelRelease release = r.value();
          if (release != null && modelName.equals(release.getModelName())) {
            apply(release);
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure.set(e);
        throw e;
      }
    } catch (RuntimeException e) {
      // The instance keeps scoring with its model but would never swap again: /health/live says
      // so, and the orchestrator restarts it.
      failure.set(e);
      LOG.error("the release follower stopped; no release will be swapped to until a restart", e);
      throw e;
    } finally {
      consumer.close();
    }
  }

  /**
   * Loads a release and swaps to it, or refuses it and keeps the current model.
   *
   * @param release a release of this instance's model
   * @return true if the served model changed
   */
  boolean apply(ModelRelease release) {
    MDC.put(LogFormat.MODEL_VERSION, release.getVersion());
    try {
      return applyVersion(release);
    } finally {
      MDC.remove(LogFormat.MODEL_VERSION);
    }
  }

  private boolean applyVersion(ModelRelease release) {
    String current = models.current().info().version();
    if (current.equals(release.getVersion())) {
      LOG.info("release {} {} is already served", release.getModelName(), release.getVersion());
      return false;
    }
    Instant newest = newestServed.get();
    // A signature stays valid forever, so an old signed record published again would roll every
    // instance back; a pin or rollback is a new record, signed with a new creation time.
    if (loader.verifiesSignatures() && newest != null && !release.getCreatedAt().isAfter(newest)) {
      String why =
          "created at "
              + release.getCreatedAt()
              + ", not after "
              + newest
              + " of a release already served: a replayed record; to serve that version again,"
              + " release it anew ('trainer releases pin VERSION' signs a new record)";
      // The reason first: whoever reads the counts then finds this refusal's reason.
      lastRefused.set(release.getVersion() + ": " + why);
      refused.incrementAndGet();
      untrusted.incrementAndGet();
      scoringMetrics.refused(ScoringMetrics.Refusal.REPLAYED);
      LOG.error(
          "refused replayed release {} {}; still serving {}: {}",
          release.getModelName(),
          release.getVersion(),
          current,
          why);
      return false;
    }
    long started = System.nanoTime();
    try {
      ModerationModel next = loader.load(release);
      models.swap(next);
      scoringMetrics.swapped(next);
      newestServed.accumulateAndGet(
          release.getCreatedAt(), (a, b) -> a == null || b.isAfter(a) ? b : a);
      swaps.incrementAndGet();
      LOG.info(
          "swapped model {} {} -> {} ({} ms to fetch, verify, load and warm up)",
          release.getModelName(),
          current,
          release.getVersion(),
          (System.nanoTime() - started) / 1_000_000);
      return true;
    } catch (UntrustedReleaseException e) {
      lastRefused.set(release.getVersion() + ": " + e.getMessage());
      refused.incrementAndGet();
      untrusted.incrementAndGet();
      scoringMetrics.refused(ScoringMetrics.Refusal.UNTRUSTED);
      LOG.error(
          "refused untrusted release {} {} ({}) before fetching its bundle; still serving {}: {}",
          release.getModelName(),
          release.getVersion(),
          e.reason(),
          current,
          e.getMessage());
      return false;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      lastRefused.set(release.getVersion() + ": " + e.getMessage());
      refused.incrementAndGet();
      scoringMetrics.refused(ScoringMetrics.Refusal.INVALID);
      LOG.error(
          "refused release {} {}; still serving {}: {}",
          release.getModelName(),
          release.getVersion(),
          current,
          e.getMessage());
      return false;
    }
  }

  /**
   * Returns the last refused release and why, or null.
   *
   * @return "version: reason"
   */
  public String lastRefused() {
    return lastRefused.get();
  }

  /**
   * Returns why the follower's thread stopped while it should run, or null while it runs.
   *
   * @return the failure
   */
  public RuntimeException failure() {
    return failure.get();
  }

  /**
   * Returns how many swaps this follower made.
   *
   * @return the count
   */
  public int swaps() {
    return swaps.get();
  }

  /**
   * Returns how many releases this follower refused, for any reason.
   *
   * @return the count
   */
  public int refused() {
    return refused.get();
  }

  /**
   * Returns how many releases this follower refused for their signature (unsigned while signatures
   * are required, signed by an unknown key, or changed after signing).
   *
   * @return the count, included in {@link #refused()}
   */
  public int untrusted() {
    return untrusted.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    metrics.close();
    if (thread.isAlive()) {
      consumer.wakeup();
      thread.join(10_000);
    } else if (thread.getState() == Thread.State.NEW) {
      consumer.close();
    }
  }
}

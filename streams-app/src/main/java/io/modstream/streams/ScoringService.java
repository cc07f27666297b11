package io.modstream.streams;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.ServiceEndpoints.Health;
import io.modstream.schemas.TrustedKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scoring instance: the served model (from {@code model.path}, or the latest release), the
 * topology, the Kafka Streams client and the release follower. {@code main} and the integration
 * tests run instances through this class.
 */
@SuppressWarnings(
    "try") // close() waits for the follower and Kafka Streams, so it may be interrupted
public final class ScoringService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringService.class);

  private final ModelHolder models;
  private final Topology topology;
  private final KafkaStreams streams;
  private final ReleaseFollower follower;
  private final StallDetector stalls;
  private final ScoringMetrics metrics;

  /**
   * Loads the model and builds the instance, without metrics; nothing runs until {@link #start()}.
   *
   * @param cfg the validated configuration
   * @throws Exception if the model cannot be loaded
   */
  public ScoringService(ScorerConfig cfg) throws Exception {
    this(cfg, ScoringMetrics.off());
  }

  /**
   * Loads the model and builds the instance; nothing runs until {@link #start()}.
   *
   * @param cfg the validated configuration
   * @param metrics where the instance records its metrics ({@link ScoringMetrics#off()} for none)
   * @throws Exception if the model cannot be loaded
   */
  public ScoringService(ScorerConfig cfg, ScoringMetrics metrics) throws Exception {
    this.metrics = metrics;
    ModelRuntime.configureNativeThreads(cfg.getInt(ScorerConfig.NATIVE_THREADS));
    Map<String, Object> connection = ClientConnection.of(cfg);
    int replicas = cfg.getInt(ScorerConfig.SCORING_REPLICAS);
    int batchSize = cfg.getInt(ScorerConfig.BATCH_SIZE);
    InferenceEngine engine = InferenceEngine.of(cfg.getString(ScorerConfig.SCORING_ENGINE));
    EngineOptions options = cfg.engineOptions();
    Function<ModelBundle, ModerationModel> factory =
        bundle -> ModerationModel.of(bundle, replicas, batchSize, engine, options);
    String releases = cfg.getString(ScorerConfig.RELEASES_TOPIC);
    String modelPath = cfg.getString(ScorerConfig.MODEL_PATH);
    Path cache = Path.of(cfg.getString(ScorerConfig.STATE_DIR), "bundles");
    TrustedKeys trusted = cfg.trustedKeys();
    boolean signed = cfg.signaturesRequired();
    boolean followsReleases = cfg.getBoolean(ScorerConfig.RELEASES_FOLLOW) || modelPath.isBlank();
    if (trusted.isEmpty() && followsReleases) {
      LOG.warn(
          "model.trusted.keys is empty: releases are not verified, so whoever can write to {}"
              + " picks the served model; list the public key of 'trainer keys generate' there",
          releases);
    } else if (followsReleases) {
      LOG.info(
          "releases must be signed by one of keys {}{}",
          trusted.ids(),
          signed ? "" : " (unsigned ones are accepted: model.require.signature=false)");
    }
    ModerationModel model;
    Instant servedReleaseCreatedAt = null;
    List<ReleaseLoader.Refusal> refusedAtStart = List.of();
    if (!modelPath.isBlank()) {
      model = factory.apply(ModelBundle.load(Path.of(modelPath)));
      LOG.info(
          "serving {} {} from model.path {} on {} ({} replicas, batch {})",
          model.info().name(),
          model.info().version(),
          modelPath,
          engine,
          replicas,
          batchSize);
    } else {
      String name = cfg.getString(ScorerConfig.MODEL_NAME);
      List<ModelRelease> history = ModelReleases.history(connection, releases, name);
      if (history.isEmpty()) {
        throw new IllegalStateException(
            "model.path is empty and "
                + releases
                + " holds no release of '"
                + name
                + "'; set model.path, or train a model and publish it with 'trainer release'");
      }
      ReleaseLoader.Start start =
          new ReleaseLoader(null, factory, connection, cache, trusted, signed).loadNewest(history);
      model = start.model();
      refusedAtStart = start.refused();
      ModelRelease latest = start.release();
      servedReleaseCreatedAt = latest.getCreatedAt();
      LOG.info(
          "serving the {} release {} {} ({}) on {} ({} replicas, batch {})",
          refusedAtStart.isEmpty() ? "latest" : "newest verified",
          name,
          latest.getVersion(),
          latest.getBundleUri(),
          engine,
          replicas,
          batchSize);
    }
    models = new ModelHolder(model);
    metrics.serving(model);
    topology = ScoringTopology.build(cfg, models, metrics);
    Replication replication = Replication.of(cfg);
    LOG.info(
        "internal topics: replication {}, min.insync.replicas {}",
        replication.factor(),
        replication.minInSync());
    // Kafka Streams creates its changelog once and never changes it: name one left weaker by an
    // earlier run, since it stalls commits whenever a broker holding it is down.
    String changelog =
        cfg.getString(ScorerConfig.APPLICATION_ID)
            + "-"
            + ScoringTopology.BUFFER_STORE
            + "-changelog";
    try {
      TopicSetup.warnUnderReplicated(connection, List.of(changelog), replication);
    } catch (ExecutionException e) {
      LOG.warn("could not check the replication of {}: {}", changelog, e.getMessage());
    }
    streams = new KafkaStreams(topology, cfg.streamsProperties(replication));
    stalls =
        StallDetector.of(
            streams::metrics,
            Duration.ofMillis(cfg.getLong(ScorerConfig.STALL_THRESHOLD_MS)),
            clientId(streams, cfg.getString(ScorerConfig.APPLICATION_ID)));
    metrics.bind(streams, stalls::stalledThreads);
    String name =
        cfg.getString(ScorerConfig.MODEL_NAME).isBlank()
            ? model.info().name()
            : cfg.getString(ScorerConfig.MODEL_NAME);
    follower =
        cfg.getBoolean(ScorerConfig.RELEASES_FOLLOW)
            ? new ReleaseFollower(
                connection,
                releases,
                name,
                models,
                new ReleaseLoader(model.labels(), factory, connection, cache, trusted, signed),
                servedReleaseCreatedAt,
                refusedAtStart,
                metrics)
            : null;
  }

  /** Starts scoring and, if configured, following releases. */
  public void start() {
    streams.start();
    stalls.start();
    if (follower != null) {
      follower.start();
    }
  }

  /**
   * Returns the Kafka Streams client (state listeners, exception handlers, state).
   *
   * @return the client
   */
  public KafkaStreams streams() {
    return streams;
  }

  /**
   * Returns the topology.
   *
   * @return the topology
   */
  public Topology topology() {
    return topology;
  }

  /**
   * Returns the served-model reference.
   *
   * @return the holder
   */
  public ModelHolder models() {
    return models;
  }

  /**
   * Returns the release follower, or null when releases.follow is false.
   *
   * @return the follower
   */
  public ReleaseFollower follower() {
    return follower;
  }

  /**
   * Returns whether this instance scores: Kafka Streams is RUNNING and no stream thread is stalled
   * ({@link StallDetector}). False while starting, rebalancing, stalled or stopped.
   *
   * @return true when ready
   */
  public boolean isReady() {
    return ready().ok();
  }

  /**
   * Readiness ({@code /health/ready}): Kafka Streams is RUNNING, a verified model is loaded (the
   * constructor loads it; a swap replaces it only by another verified one) and no stream thread is
   * stalled. Not ready while starting, rebalancing, stalled or stopped.
   *
   * @return the answer, with the state or what is missing
   */
  public Health ready() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      return Health.down(
          "Kafka Streams is "
              + state
              + (state == KafkaStreams.State.REBALANCING
                  ? " (partitions are being assigned)"
                  : state == KafkaStreams.State.CREATED ? " (not started)" : ""));
    }
    int stalled = stalls.stalledThreads();
    if (stalled > 0) {
      return Health.down(
          stalled + " stream thread(s) stalled (see the WARN log and modstream_stalled_threads)");
    }
    return Health.up("RUNNING, serving " + servedModel());
  }

  /**
   * Liveness ({@code /health/live}): false only when a restart is the fix: Kafka Streams in ERROR
   * or PENDING_ERROR (a stream thread failed and shut the client down), or the release follower
   * stopped, so the served model could never be replaced. Rebalancing and stalls are live.
   *
   * @return the answer, with the state or what failed
   */
  public Health live() {
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
      return Health.down("Kafka Streams is " + state + " (a stream thread failed; see the log)");
    }
    RuntimeException followerFailure = follower == null ? null : follower.failure();
    if (followerFailure != null) {
      return Health.down("the release follower stopped: " + followerFailure);
    }
    return Health.up(state + ", serving " + servedModel());
  }

  private String servedModel() {
    return models.current().info().name() + " " + models.current().info().version();
  }

  /**
   * Returns the stall detector (its state and metrics).
   *
   * @return the detector
   */
  public StallDetector stalls() {
    return stalls;
  }

  /** The Kafka Streams client's id, as its metrics are tagged, so several clients stay apart. */
  private static String clientId(KafkaStreams streams, String fallback) {
    return streams.metrics().keySet().stream()
        .filter(n -> "stream-metrics".equals(n.group()) && n.tags().containsKey("client-id"))
        .map(n -> n.tags().get("client-id"))
        .findFirst()
        .orElse(fallback);
  }

  @Override
  public void close() throws InterruptedException {
    if (follower != null) {
      follower.close();
    }
    stalls.close();
    streams.close(Duration.ofSeconds(30));
  }
}

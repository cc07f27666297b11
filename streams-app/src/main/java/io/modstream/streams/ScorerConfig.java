package io.modstream.streams;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.schemas.SchemaRegistry;
import io.modstream.schemas.Topics;
import io.modstream.schemas.TrustedKeys;
import io.modstream.schemas.WireFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The streams app's configuration: a properties file with environment variables laid over it
 * ({@code MODSTREAM_BATCH_SIZE} sets {@code batch.size}: prefix {@code MODSTREAM_}, upper case,
 * dots as underscores; variables that name no key are ignored, as other tools share the prefix).
 * Every key has a default, a doc string and a validator; keys starting with {@code kafka.} pass
 * through to Kafka Streams and its clients with the prefix removed.
 */
public final class ScorerConfig extends AbstractConfig {

  /** Kafka bootstrap servers. */
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  /** Kafka Streams application id (consumer group, state and internal topic prefix). */
  public static final String APPLICATION_ID = "application.id";

  /** Path of the model bundle directory to serve. */
  public static final String MODEL_PATH = "model.path";

  /** Name of the served model; releases of other models are ignored. */
  public static final String MODEL_NAME = "model.name";

  /** Topic of model releases. */
  public static final String RELEASES_TOPIC = "releases.topic";

  /** Whether to follow releases and swap models live. */
  public static final String RELEASES_FOLLOW = "releases.follow";

  /** Public key files of the keys whose signed releases are accepted. */
  public static final String MODEL_TRUSTED_KEYS = "model.trusted.keys";

  /** Whether unsigned releases are refused when trusted keys are set. */
  public static final String MODEL_REQUIRE_SIGNATURE = "model.require.signature";

  /** Source topic. */
  public static final String TOPIC_COMMENTS = "topic.comments";

  /** Label event topic. */
  public static final String TOPIC_LABELS = "topic.labels";

  /** Prefix of the per-label topics. */
  public static final String TOPIC_FLAGGED_PREFIX = "topic.flagged.prefix";

  /** Dead-letter topic. */
  public static final String TOPIC_DLQ = "topic.dlq";

  /** Base URL of a schema registry with a Confluent-compatible API (empty: none). */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  /** Encoding of the label events on the labels and per-label topics. */
  public static final String OUTPUT_FORMAT = "output.format";

  /** Most comments per scoring call. */
  public static final String BATCH_SIZE = "batch.size";

  /** Longest a comment waits for its batch to fill. */
  public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";

  /** Largest comment text accepted, in UTF-8 bytes. */
  public static final String TEXT_MAX_BYTES = "text.max.bytes";

  /** Scoring replicas (network copies). */
  public static final String SCORING_REPLICAS = "scoring.replicas";

  /**
   * The default scoring.replicas: two, which score faster than one even on a small machine
   * (docs/lab/speed.md, "Where the time goes").
   */
  public static final int DEFAULT_SCORING_REPLICAS = 2;

  /** Kafka Streams threads unless kafka.num.stream.threads says otherwise. */
  public static final int DEFAULT_STREAM_THREADS = 2;

  /** What runs the network. */
  public static final String SCORING_ENGINE = "scoring.engine";

  /** Native (OpenMP) threads. */
  public static final String NATIVE_THREADS = "native.threads";

  /** Which ONNX graph layout runs the recurrence. */
  public static final String ONNX_RECURRENCE = "scoring.onnx.recurrence";

  /** What a call costs on each ONNX layout. */
  public static final String ONNX_CALL_COSTS = "scoring.onnx.call.costs";

  /** Whether onnx-cuda may multiply in TF32. */
  public static final String ONNX_CUDA_TF32 = "scoring.onnx.cuda.tf32";

  /** Processing guarantee. */
  public static final String PROCESSING_GUARANTEE = "processing.guarantee";

  /** Commit interval. */
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";

  /** Kafka Streams state directory. */
  public static final String STATE_DIR = "state.dir";

  /** Replicas of every topic the app creates, its own and Kafka Streams' internal ones. */
  public static final String REPLICATION_FACTOR = "replication.factor";

  /** Replicas that must have a write before it is acknowledged, on every topic the app creates. */
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

  /** This instance's stable identity in the consumer group (static membership). */
  public static final String INSTANCE_ID = "instance.id";

  /** How long a stream thread may make no progress before it is reported stalled. */
  public static final String STALL_THRESHOLD_MS = "stall.threshold.ms";

  /** Port of the HTTP server for /metrics, /health/live and /health/ready; -1 runs none. */
  public static final String HTTP_PORT = "http.port";

  /** Address the HTTP server listens on. */
  public static final String HTTP_BIND_ADDRESS = "http.bind.address";

  /** The value of replication.factor and min.insync.replicas that asks for the automatic choice. */
  public static final int AUTO = -1;

  /**
   * The consumers' session timeout unless kafka.session.timeout.ms says otherwise: how long a
   * crashed instance's partitions wait before another instance takes them over.
   */
  public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;

  /** Prefix of keys passed to Kafka. */
  public static final String KAFKA_PREFIX = "kafka.";

  /** Prefix of environment variables read over the file. */
  public static final String ENV_PREFIX = "MODSTREAM_";

  static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              BOOTSTRAP_SERVERS,
              Type.LIST,
              "127.0.0.1:9092",
              Importance.HIGH,
              "Kafka bootstrap servers, host:port[,host:port...].")
          .define(
              APPLICATION_ID,
              Type.STRING,
              "modstream-scorer",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Kafka Streams application id: instances with the same id share the work; it prefixes"
                  + " the consumer group, state directory and internal topics.")
          .define(
              MODEL_PATH,
              Type.STRING,
              "",
              Importance.HIGH,
              "Directory of the model bundle to serve at start (written by 'trainer train --out"
                  + " DIR'). Empty: serve the latest release of model.name (needs"
                  + " releases.follow=true).")
          .define(
              MODEL_NAME,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Model whose releases this instance follows. Empty: the name recorded in the bundle"
                  + " at model.path.")
          .define(
              RELEASES_TOPIC,
              Type.STRING,
              Topics.MODEL_RELEASES.name(),
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Compacted topic of ModelRelease records that every instance follows.")
          .define(
              RELEASES_FOLLOW,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Swap to each new release of model.name while running (fetch, verify, load and warm"
                  + " up off the stream threads, then one atomic swap). false: serve model.path"
                  + " until restarted.")
          .define(
              MODEL_TRUSTED_KEYS,
              Type.LIST,
              "",
              new ConfigValidators.TrustedKeyFiles(),
              Importance.HIGH,
              "Public key files (PEM, from 'trainer keys generate') of the keys whose signed"
                  + " releases are served; two while rotating keys. A release's signature is"
                  + " checked before its bundle is fetched: one signed by another key or changed"
                  + " after signing is refused and the served model stays. Empty: releases are not"
                  + " verified, so whoever can write to the releases topic picks the model.")
          .define(
              MODEL_REQUIRE_SIGNATURE,
              Type.BOOLEAN,
              true,
              Importance.HIGH,
              "With model.trusted.keys set, refuse unsigned releases too; false accepts them with"
                  + " a warning (signed ones are still verified), for moving a running pipeline to"
                  + " signed releases. Without trusted keys nothing is verified, and setting this"
                  + " to true is an error.")
          .define(
              TOPIC_COMMENTS,
              Type.STRING,
              Topics.COMMENTS.name(),
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Source topic of Comment records, keyed by comment id.")
          .define(
              TOPIC_LABELS,
              Type.STRING,
              Topics.COMMENT_LABELS.name(),
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic of LabelEvent records, one per scored comment, same key as the comment.")
          .define(
              TOPIC_FLAGGED_PREFIX,
              Type.STRING,
              Topics.FLAGGED_PREFIX,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Prefix of the per-label topics: a comment flagged with label L also goes to"
                  + " <prefix>L (its LabelEvent).")
          .define(
              TOPIC_DLQ,
              Type.STRING,
              Topics.DEAD_LETTERS.name(),
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Dead-letter topic: records that cannot be scored, with their original bytes and the"
                  + " reason in headers.")
          .define(
              SCHEMA_REGISTRY_URL,
              Type.STRING,
              "",
              new ConfigValidators.RegistryUrl(),
              Importance.MEDIUM,
              "Base URL of a schema registry with a Confluent-compatible API (for example Apicurio"
                  + " Registry at http://registry:8080). With it, comments in the Confluent wire"
                  + " format (byte 0 + 4-byte schema id) are read, and output.format=registry can"
                  + " be chosen; empty: such comments go to the dead-letter topic as NO_REGISTRY.")
          .define(
              OUTPUT_FORMAT,
              Type.STRING,
              WireFormat.AVRO.configName(),
              ValidString.in(
                  WireFormat.AVRO.configName(),
                  WireFormat.REGISTRY.configName(),
                  WireFormat.JSON.configName()),
              Importance.MEDIUM,
              "Encoding of the label events on the labels and per-label topics: avro (Avro"
                  + " single-object, no registry needed), registry (Confluent wire format; needs"
                  + " schema.registry.url) or json (a UTF-8 JSON object, readable with any tool)."
                  + " Comments are read in all three, told apart per record.")
          .define(
              BATCH_SIZE,
              Type.INT,
              256,
              Range.between(1, 65_536),
              Importance.MEDIUM,
              "Comments a task buffers before its batch is scored at once; the call also takes the"
                  + " waiting comments of the stream thread's other tasks.")
          // 5 ms, not 50: a partial batch adds little latency at moderate load, with no measurable
          // saturated cost, and the idle app's short polls cost little CPU (docs/lab/speed.md,
          // "Latency").
          .define(
              BATCH_MAX_WAIT_MS,
              Type.LONG,
              5L,
              Range.between(1, 600_000),
              Importance.MEDIUM,
              "Longest a buffered comment waits for its batch to fill before the partial batch is"
                  + " scored (wall clock); 5 keeps partial batches from adding latency at moderate"
                  + " load without measurable throughput loss.")
          .define(
              TEXT_MAX_BYTES,
              Type.INT,
              65_536,
              Range.between(1, 16 * 1024 * 1024),
              Importance.MEDIUM,
              "Largest comment text accepted, in UTF-8 bytes; larger comments go to the dead-letter"
                  + " topic with reason TEXT_TOO_LARGE.")
          .define(
              SCORING_REPLICAS,
              Type.INT,
              DEFAULT_SCORING_REPLICAS,
              Range.between(1, 64),
              Importance.LOW,
              "Network replicas scoring in parallel, one thread each: a batch of at least 32"
                  + " comments per replica is split into one share per replica, tokenized and (on"
                  + " the CPU engines) scored on its own thread; with onnx-cuda the shares are"
                  + " tokenized in parallel and the batch is scored in one network call. With the"
                  + " onnx engines the replicas share one copy of the weights.")
          .define(
              SCORING_ENGINE,
              Type.STRING,
              InferenceEngine.DEFAULT.id(),
              ValidString.in(
                  Arrays.stream(InferenceEngine.values())
                      .filter(
                          e ->
                              e
                                  != InferenceEngine
                                      .DL4J_FLOAT64) // a check's reference, not a serving engine
                      .map(InferenceEngine::id)
                      .toArray(String[]::new)),
              Importance.MEDIUM,
              "What runs the network: onnx (ONNX Runtime on the CPU, the fastest CPU engine), dl4j"
                  + " (Deeplearning4j, the training engine and the reference) or onnx-cuda (ONNX"
                  + " Runtime on CUDA device 0; needs the -Pgpu build, see docs/gpu.md). 'trainer"
                  + " verify-engine' checks an engine's scores against dl4j's.")
          .define(
              NATIVE_THREADS,
              Type.INT,
              1,
              Range.between(1, 256),
              Importance.LOW,
              "Native (OpenMP) threads of the model engine when OMP_NUM_THREADS is unset; 1, since"
                  + " parallelism comes from the scoring replicas and the stream threads, and more"
                  + " native threads would compete with them for the cores.")
          .define(
              ONNX_RECURRENCE,
              Type.STRING,
              EngineOptions.Recurrence.AUTO.id(),
              ValidString.in(
                  Arrays.stream(EngineOptions.Recurrence.values())
                      .map(EngineOptions.Recurrence::id)
                      .toArray(String[]::new)),
              Importance.LOW,
              "Which ONNX graph layout runs the LSTM's recurrence: auto (on the CPU both, each call"
                  + " on the one scoring.onnx.call.costs makes cheaper; on CUDA the fused one),"
                  + " fused or folded.")
          .define(
              ONNX_CALL_COSTS,
              Type.STRING,
              "",
              new ConfigValidators.CallCosts(),
              Importance.LOW,
              "What a call costs on each ONNX layout, six microsecond figures"
                  + " FUSED_CALL,FUSED_STEP,FUSED_ROW_STEP,FOLDED_CALL,FOLDED_STEP,FOLDED_ROW_STEP,"
                  + " as 'ops/jmh-bench --call-costs' prints them for a host. Empty: the built-in"
                  + " CPU figures (none on CUDA, where batches are cut at batch.size).")
          .define(
              ONNX_CUDA_TF32,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Let onnx-cuda multiply in TF32 on GPUs that have it: faster, but scores move further"
                  + " from DL4J's than the engines' 1e-5 agreement.")
          .define(
              PROCESSING_GUARANTEE,
              Type.STRING,
              StreamsConfig.EXACTLY_ONCE_V2,
              ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
              Importance.MEDIUM,
              "exactly_once_v2 (no lost or duplicated event after a crash) or at_least_once (lower"
                  + " latency, duplicates possible after a crash).")
          .define(
              COMMIT_INTERVAL_MS,
              Type.LONG,
              50L,
              Range.between(1, 600_000),
              Importance.LOW,
              "How often Kafka Streams commits; with exactly_once_v2 events become visible to"
                  + " read_committed consumers at each commit, so an event waits half of it on"
                  + " average. 50 (Kafka Streams' exactly-once default is 100) keeps read_committed"
                  + " latency low without measurable throughput loss.")
          .define(
              STATE_DIR,
              Type.STRING,
              System.getProperty("java.io.tmpdir") + "/modstream-streams",
              Importance.LOW,
              "Kafka Streams state directory (the comment buffer is restored from its changelog"
                  + " topic, so this may be ephemeral).")
          .define(
              REPLICATION_FACTOR,
              Type.INT,
              AUTO,
              new ConfigValidators.AutoOrPositive(),
              Importance.MEDIUM,
              "Replicas of every topic the app creates: its own (create-topics) and Kafka Streams'"
                  + " internal ones (the comment buffer's changelog). -1: min(3, brokers alive in"
                  + " the cluster at start), counted once at start. Three replicas with"
                  + " min.insync.replicas=2 keep scoring while one broker is down.")
          .define(
              MIN_INSYNC_REPLICAS,
              Type.INT,
              AUTO,
              new ConfigValidators.AutoOrPositive(),
              Importance.MEDIUM,
              "Replicas that must have a write before it is acknowledged (the app's producers use"
                  + " acks=all), set on every topic the app creates. -1: 2 when the replication is"
                  + " 3 or more, else 1. At most replication.factor; equal to it, writes stop while"
                  + " any replica is down.")
          .define(
              INSTANCE_ID,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Static group membership: a name unique to this instance and stable across its"
                  + " restarts (for example the pod name of a StatefulSet); Kafka Streams adds the"
                  + " stream thread's number. An instance restarted within the session timeout"
                  + " (kafka.session.timeout.ms, 10000 here) gets its partitions back without a"
                  + " rebalance. Empty: dynamic membership.")
          .define(
              STALL_THRESHOLD_MS,
              Type.LONG,
              30_000L,
              Range.between(100, 3_600_000),
              Importance.LOW,
              "A stream thread that has not completed a loop of poll, process and commit for this"
                  + " long is reported stalled: a WARN naming the likely cause, the metric"
                  + " stalled-threads and isReady() false until it moves again.")
          .define(
              HTTP_PORT,
              Type.INT,
              9400,
              Range.between(-1, 65_535),
              Importance.MEDIUM,
              "Port of the HTTP server for GET /metrics (Prometheus text format), /health/live"
                  + " and /health/ready (200, or 503 with the reason; docs/operations.md, \"Metrics"
                  + " and health\"). 0 picks a free port; -1 runs no server and records no"
                  + " metrics.")
          .define(
              HTTP_BIND_ADDRESS,
              Type.STRING,
              "0.0.0.0",
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.LOW,
              "Address the HTTP server listens on: 0.0.0.0 for every interface, 127.0.0.1 for"
                  + " this host only.");

  private final Map<String, Object> kafkaOverrides;

  /**
   * Validates a map of settings.
   *
   * @param props key to value (strings or typed values)
   * @throws ConfigException naming the key and the fix if a value is invalid
   */
  public ScorerConfig(Map<?, ?> props) {
    super(DEFINITION, props, false);
    Map<String, Object> overrides = new HashMap<>();
    props.forEach(
        (k, v) -> {
          String key = k.toString();
          if (key.startsWith(KAFKA_PREFIX)) {
            overrides.put(key.substring(KAFKA_PREFIX.length()), v);
          } else if (!DEFINITION.names().contains(key)) {
            throw new ConfigException(
                key,
                v,
                "unknown key; Kafka settings take the prefix '"
                    + KAFKA_PREFIX
                    + "' (for example kafka."
                    + key
                    + "), see the configuration reference in the README");
          }
        });
    this.kafkaOverrides = Map.copyOf(overrides);
    int replication = getInt(REPLICATION_FACTOR);
    int minInSync = getInt(MIN_INSYNC_REPLICAS);
    if (replication != AUTO && minInSync > replication) {
      throw new ConfigException(
          MIN_INSYNC_REPLICAS,
          minInSync,
          "more than replication.factor="
              + replication
              + ", so no write could ever be acknowledged; lower min.insync.replicas or raise"
              + " replication.factor");
    }
    if (outputFormat() == WireFormat.REGISTRY && schemaRegistry() == null) {
      throw new ConfigException(
          OUTPUT_FORMAT,
          getString(OUTPUT_FORMAT),
          "the registry format needs a registry: set schema.registry.url (or choose avro or json)");
    }
    if (getList(MODEL_TRUSTED_KEYS).isEmpty()
        && originals().containsKey(MODEL_REQUIRE_SIGNATURE)
        && getBoolean(MODEL_REQUIRE_SIGNATURE)) {
      throw new ConfigException(
          MODEL_REQUIRE_SIGNATURE,
          true,
          "signatures can be required only with model.trusted.keys set: list the public key"
              + " files there ('trainer keys generate' makes a pair), or drop this key");
    }
    String modelPath = getString(MODEL_PATH);
    if (modelPath.isBlank()) {
      if (!getBoolean(RELEASES_FOLLOW) || getString(MODEL_NAME).isBlank()) {
        throw new ConfigException(
            MODEL_PATH,
            "",
            "no model to serve; set model.path (or MODSTREAM_MODEL_PATH) to a bundle directory from"
                + " 'trainer train --out DIR', or set model.name with releases.follow=true to serve"
                + " the latest release");
      }
    } else if (!Files.isDirectory(Path.of(modelPath))) {
      throw new ConfigException(
          MODEL_PATH,
          modelPath,
          "not a directory; point it at a bundle directory from 'trainer train --out DIR'");
    }
  }

  /**
   * Returns the keys whose signed releases are served ({@code model.trusted.keys}).
   *
   * @return the keys; empty when releases are not verified
   * @throws IOException if a key file became unreadable since the configuration was validated
   */
  public TrustedKeys trustedKeys() throws IOException {
    return ConfigValidators.trustedKeys(getList(MODEL_TRUSTED_KEYS));
  }

  /**
   * Returns whether unsigned releases are refused: trusted keys are set and {@code
   * model.require.signature} is true.
   *
   * @return true if every release must carry a trusted signature
   */
  public boolean signaturesRequired() {
    return !getList(MODEL_TRUSTED_KEYS).isEmpty() && getBoolean(MODEL_REQUIRE_SIGNATURE);
  }

  /**
   * Returns the encoding of the label events.
   *
   * @return the output format
   */
  public WireFormat outputFormat() {
    return WireFormat.ofConfigName(getString(OUTPUT_FORMAT));
  }

  /**
   * Returns the configured schema registry.
   *
   * @return the registry, or null when {@code schema.registry.url} is empty
   */
  public SchemaRegistry schemaRegistry() {
    String url = getString(SCHEMA_REGISTRY_URL);
    return url.isBlank() ? null : SchemaRegistry.at(url);
  }

  /**
   * Loads a properties file (optional) and lays {@code MODSTREAM_*} environment variables over it.
   *
   * @param file the properties file, or null for defaults and environment only
   * @param env the environment, usually {@link System#getenv()}
   * @return the validated configuration
   * @throws IOException if the file cannot be read
   */
  public static ScorerConfig load(Path file, Map<String, String> env) throws IOException {
    Properties props = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(file)) {
        props.load(r);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(file.toString(), null, "configuration file not found");
      }
    }
    // The environment is shared with other tools (MODSTREAM_JAVA_OPTS, ...): take only the
    // variables that name a configuration key; unknown keys in the file stay errors.
    env.forEach(
        (k, v) -> {
          if (k.startsWith(ENV_PREFIX)) {
            String key =
                k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (DEFINITION.names().contains(key) || key.startsWith(KAFKA_PREFIX)) {
              props.put(key, v);
            }
          }
        });
    return new ScorerConfig(props);
  }

  /**
   * Returns the Kafka Streams properties with the replication of internal topics left to Kafka
   * Streams (the broker's default.replication.factor): for a single broker, as in the tests.
   *
   * @return the properties for {@code KafkaStreams}
   */
  public Properties streamsProperties() {
    return streamsProperties(null);
  }

  /**
   * Returns the Kafka Streams properties: this config's Kafka settings, the replication of the
   * internal topics, then every {@code kafka.*} override.
   *
   * @param replication the internal topics' replication ({@link Replication#of(ScorerConfig)}), or
   *     null to leave it to Kafka Streams
   * @return the properties for {@code KafkaStreams}
   */
  @SuppressWarnings("deprecation") // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, see below
  public Properties streamsProperties(Replication replication) {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS)));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
    p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
    // An idle stream thread blocks in poll() for poll.ms and runs wall-clock punctuators only
    // between polls: keep it below the batch wait so partial batches are not held back.
    p.put(
        StreamsConfig.POLL_MS_CONFIG, Math.min(100L, Math.max(1L, getLong(BATCH_MAX_WAIT_MS) / 2)));
    // Two stream threads: while one scores a batch the other can consume and produce (the
    // comparisons with one: docs/lab/speed.md, "One stream thread, a trade-off").
    // kafka.num.stream.threads overrides it.
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, DEFAULT_STREAM_THREADS);
    // The topology has no global state, so this changes nothing but silences the warning Kafka
    // Streams 4.x logs at every StreamsConfig while it is off (it becomes the default in 5.0):
    // the app's own, and one per stream thread, whose partition assignor builds a StreamsConfig
    // from the main consumer's configs, which carry only main.consumer.-prefixed extras.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(
        StreamsConfig.mainConsumerPrefix(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
        true);
    // Without these, Kafka Streams creates its changelog with the broker's default replication
    // (1 unless configured), and one dead broker stalls every commit that writes to it.
    if (replication != null) {
      p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication.factor());
      replication.topicConfigs().forEach((k, v) -> p.put(StreamsConfig.topicPrefix(k), v));
    }
    // exactly_once_v2 forces acks=all; set it for at_least_once too, so that min.insync.replicas
    // decides when a write counts.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
    String instanceId = getString(INSTANCE_ID);
    if (!instanceId.isBlank()) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    }
    p.putAll(kafkaOverrides);
    return p;
  }

  /**
   * Returns the scoring engine's options from the {@code scoring.onnx.*} keys.
   *
   * @return the options
   */
  public EngineOptions engineOptions() {
    return new EngineOptions(
        EngineOptions.Recurrence.of(getString(ONNX_RECURRENCE)),
        EngineOptions.parseCallCosts(getString(ONNX_CALL_COSTS)),
        getBoolean(ONNX_CUDA_TF32));
  }

  /**
   * Renders the configuration reference (key, type, default, valid values, doc) as a Markdown
   * table, from the definitions: the README's table is generated by this.
   *
   * @return the table
   */
  public static String referenceTable() {
    return ConfigReference.table(DEFINITION);
  }
}

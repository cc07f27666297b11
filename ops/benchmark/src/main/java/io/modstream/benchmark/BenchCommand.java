package io.modstream.benchmark;

import io.modstream.model.BundleInfo;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.Topics;
import io.modstream.streams.ScorerConfig;
import io.modstream.tools.ProduceCommand;
import io.modstream.tools.ToolProducers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: model-only scoring throughput, then end-to-end throughput and latency through a
 * running stack (comments topic -> streams app -> comment-labels), at the same batch size.
 * End-to-end latency is the time from a comment's record timestamp (set by the producer) to its
 * label event being readable by a read_committed consumer; the half-load latency is also split into
 * its parts, using the event's decision time and time in the app. Comments are sent by their own
 * thread, paced by the clock; warm-up runs come first and are not counted.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = "Measures model-only and end-to-end scoring throughput and latency.")
public final class BenchCommand implements Callable<Integer> {

  /**
   * Runs the benchmark: {@code java -jar benchmark.jar --model DIR --data FILE ...} (ops/bench
   * starts the stack and passes these).
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    picocli.CommandLine cli = new picocli.CommandLine(new BenchCommand());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("error: " + e.getMessage());
          return 1;
        });
    System.exit(cli.execute(args));
  }

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "The bundle the running streams app serves.")
  Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "CSV/JSON-lines comments to score (real length distribution).")
  Path data;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "The stack's Kafka; empty skips the end-to-end part.")
  String bootstrap = "127.0.0.1:9092";

  @Option(
      names = "--count",
      description =
          "Comments per measurement (the saturated end-to-end run; model-only scores at least"
              + " these).")
  int count = 5000;

  @Option(
      names = "--model-only-seconds",
      description = "Model-only scoring runs at least this long (cycling through the comments).")
  int modelOnlySeconds = 10;

  @Option(
      names = "--batch-size",
      description = "Model-only batch size (use the streams app's batch.size).")
  int batchSize = 256;

  @Option(
      names = "--replicas",
      description = "Model-only scoring replicas (use the streams app's scoring.replicas).")
  int replicas = ScorerConfig.DEFAULT_SCORING_REPLICAS;

  @Option(
      names = "--engine",
      description =
          "Model-only engine (use the streams app's scoring.engine): dl4j, onnx or onnx-cuda.")
  String engine = InferenceEngine.DEFAULT.id();

  @Option(
      names = "--warm-up-seconds",
      description = "Model-only scoring before the model-only measurement starts.")
  int warmUpSeconds = 5;

  @Option(
      names = "--warm-up-comments",
      description =
          "Comments sent end to end, unmeasured, before the end-to-end runs: a saturated rate"
              + " measured while the fresh app's and broker's JIT compilers are still busy reads"
              + " low; see --warm-up-compiler-cores.")
  int warmUpComments = 150_000;

  @Option(
      names = "--warm-up-compiler-cores",
      description =
          "After --warm-up-comments the warm-up goes on in rounds of --warm-up-round-comments until"
              + " the JIT compiler threads of the processes of --cpu-of (the app's and the"
              + " broker's) use fewer cores than this together over a round, so the saturated run"
              + " measures the stack at its steady state. 0 or less: no rounds.")
  double warmUpCompilerCores = 0.05;

  @Option(names = "--warm-up-round-comments", description = "Comments per warm-up round.")
  int warmUpRoundComments = 30_000;

  @Option(
      names = "--warm-up-max-seconds",
      description = "The end-to-end warm-up's longest, rounds included.")
  int warmUpMaxSeconds = 300;

  @Option(
      names = "--single-count",
      description = "Comments scored one at a time for the batch-1 latency.")
  int singleCount = 2000;

  @Option(
      names = "--fetch-max-wait-ms",
      description =
          "fetch.max.wait.ms of the benchmark's read_committed consumer of the label events"
              + " (Kafka's default is 500).")
  int fetchMaxWaitMs = 500;

  @Option(
      names = "--half-load-seconds",
      description =
          "Length of the latency run at half the measured end-to-end throughput; it also reports"
              + " the p99 of each "
              + WINDOW_SECONDS
              + "-s window.")
  int halfLoadSeconds = 60;

  @Option(
      names = "--half-load-warm-up-seconds",
      description =
          "A first, unreported run at half load before the measured one: paced small batches take"
              + " other code paths than saturation, which the app's and broker's JIT compilers"
              + " compile first.")
  int halfLoadWarmUpSeconds = 120;

  @Option(
      names = "--swap-to",
      paramLabel = "DIR",
      description =
          "A bundle of the served model with another version: released a third into the half-load"
              + " run, to measure the swap.")
  Path swapTo;

  @Option(
      names = "--swap-version",
      paramLabel = "VERSION",
      description =
          "Instead of --swap-to: the served bundle saved again as this version (same weights), so a"
              + " swap is measured without a second trained bundle.")
  String swapVersion;

  @Option(
      names = "--comments-topic",
      description = "The running app's input topic (its topic.comments).")
  String commentsTopic = Topics.COMMENTS.name();

  @Option(
      names = "--labels-topic",
      description = "The running app's label event topic (its topic.labels).")
  String labelsTopic = Topics.COMMENT_LABELS.name();

  @Option(
      names = "--releases-topic",
      description = "Releases topic the running app follows (with --swap-to).")
  String releasesTopic = Topics.MODEL_RELEASES.name();

  @Option(
      names = "--swap-store",
      paramLabel = "DIR",
      description = "Where --swap-to is copied for release.")
  Path swapStore = Path.of(System.getProperty("java.io.tmpdir"), "modstream-bench-store");

  @Option(
      names = "--cpu-of",
      paramLabel = "NAME=PID",
      description =
          "Processes whose CPU use is reported for each run (from Linux's /proc), e.g. app=PID"
              + " broker=PID; with app, the end-to-end comments per core-second of the app are"
              + " compared with model-only's per core-second.")
  Map<String, Long> cpuOf = new LinkedHashMap<>();

  @Option(
      names = "--clock-ticks",
      description = "The kernel's clock ticks per second (getconf CLK_TCK), for --cpu-of.")
  double clockTicks = 100;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description =
          "Writes each comment of the measured half-load run to this CSV: when it was sent, reached"
              + " the app, was decided and became readable (epoch ms), to find where the slowest"
              + " ones lost their time.")
  Path trace;

  @Option(
      names = "--profile",
      paramLabel = "PREFIX",
      description =
          "Profiles the app (--cpu-of app=PID) with async-profiler during the measured saturated"
              + " and half-load runs, wall clock, every thread every 5 ms:"
              + " PREFIX.saturated.collapsed and PREFIX.half.collapsed (ops/profile-top reads"
              + " them).")
  Path profile;

  @Option(
      names = "--profile-agent",
      paramLabel = "LIB",
      description = "async-profiler's libasyncProfiler.so, for --profile.")
  Path profileAgent;

  private CpuMeter cpu;

  /** The --cpu-of name of the streams app under test. */
  private static final String APP = "app";

  private static final AvroCodec<Comment> CODEC = AvroCodec.of(Comment.class);

  /** The release the swap run publishes, prepared before it. */
  private ModelRelease swapRelease;

  private static final int SWAP_RUN_SECONDS = 30;

  /** Length of the windows whose p99 the half-load run also reports. */
  static final int WINDOW_SECONDS = 10;

  private static final int SWAP_AT_SECOND = 15;
  private static final AvroCodec<LabelEvent> EVENTS = AvroCodec.of(LabelEvent.class);

  @Override
  public Integer call() throws Exception {
    if (swapTo != null && swapVersion != null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "give --swap-to or --swap-version, not both");
    }
    if (!(clockTicks > 0)) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--clock-ticks must be positive (getconf CLK_TCK)");
    }
    List<String> texts = new ArrayList<>();
    for (String[] row : ProduceCommand.read(data)) {
      if (!row[1].isBlank()) {
        texts.add(row[1]);
      }
    }
    List<String> sample = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sample.add(texts.get(i % texts.size()));
    }
    ModelRuntime.configureNativeThreads(1);
    InferenceEngine inference = InferenceEngine.of(engine);
    ModerationModel scorer =
        ModerationModel.of(ModelBundle.load(model), replicas, batchSize, inference);
    // Steady state is what is reported: the tokenizer and linear model are Java code that the JIT
    // compiles after a few thousand comments.
    long warmUntil = System.nanoTime() + Duration.ofSeconds(warmUpSeconds).toNanos();
    for (int i = 0;
        System.nanoTime() < warmUntil;
        i = (i + batchSize) % Math.max(1, sample.size() - batchSize)) {
      scorer.score(sample.subList(i, Math.min(sample.size(), i + batchSize)));
    }
    AppProfiler profiler = null;
    if (profile != null) {
      if (profileAgent == null || !cpuOf.containsKey(APP)) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this),
            "--profile needs --profile-agent LIB and --cpu-of app=PID (ops/bench --profile passes"
                + " both)");
      }
      profiler = new AppProfiler(cpuOf.get(APP), profileAgent);
    }
    cpu = new CpuMeter(cpuOf, clockTicks);
    ModelOnly before = modelOnly(scorer, sample);
    System.out.printf(
        Locale.ROOT,
        "model-only:   %,.0f comments/s (batch %d, %d replicas, %s, %d comments, %s)%n",
        before.rate,
        batchSize,
        replicas,
        inference,
        before.scored,
        scorer.info().version());
    printCpu(before.cpu);
    if (singleCount > 0) {
      long[] nanos = new long[Math.min(singleCount, sample.size())];
      for (int i = 0; i < nanos.length; i++) {
        long s = System.nanoTime();
        scorer.score(sample.subList(i, i + 1));
        nanos[i] = System.nanoTime() - s;
      }
      Arrays.sort(nanos);
      System.out.printf(
          Locale.ROOT,
          "batch of 1:   p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d comments, one call each)%n",
          nanos[nanos.length / 2] / 1e6,
          nanos[(int) Math.floor(nanos.length * 0.99)] / 1e6,
          nanos[nanos.length - 1] / 1e6,
          nanos.length);
    }
    if (bootstrap == null || bootstrap.isBlank()) {
      return 0;
    }
    // The streams app's JIT warms up on a first saturated run, which is not reported.
    warmUp(texts);
    Run full = profiled(profiler, "saturated", () -> run(sample, 0, "sat"));
    System.out.printf(
        Locale.ROOT,
        "end-to-end:   %,.0f comments/s at saturation; latency p50 %.0f ms, p99 %.0f ms%n",
        full.throughput,
        full.p50,
        full.p99);
    printCpu(full.cpu);
    // The machine's speed drifts over minutes: model-only is measured again after the end-to-end
    // run, and the ratio is taken to the mean of both.
    ModelOnly after = modelOnly(scorer, sample);
    double modelOnly = (before.rate + after.rate) / 2;
    System.out.printf(
        Locale.ROOT,
        "model-only:   %,.0f comments/s again, after the end-to-end run (mean of both %,.0f)%n",
        after.rate,
        modelOnly);
    System.out.printf(
        Locale.ROOT,
        "ratio:        %.2f (end-to-end / model-only, the mean of before and after)%n",
        full.throughput / modelOnly);
    // Per core-second of the scoring process: model-only scores in this JVM, end to end in the app.
    double modelOnlyPerCore =
        (before.rate / before.cpu.of(CpuMeter.SELF) + after.rate / after.cpu.of(CpuMeter.SELF)) / 2;
    double endToEndPerCore = full.throughput / full.cpu.of(APP);
    if (!Double.isNaN(endToEndPerCore) && !Double.isNaN(modelOnlyPerCore)) {
      System.out.printf(
          Locale.ROOT,
          "per core:     %,.0f comments per core-second of the app end to end, %,.0f model-only"
              + " (%.2f)%n",
          endToEndPerCore,
          modelOnlyPerCore,
          endToEndPerCore / modelOnlyPerCore);
    }
    double half = full.throughput / 2;
    if (halfLoadWarmUpSeconds > 0) {
      Run warmHalf = run(cycle(texts, half * halfLoadWarmUpSeconds), half, "half-warm");
      System.out.printf(
          Locale.ROOT,
          "warm-up:      %ds at half load, latency p50 %.0f ms, p99 %.0f ms (not counted)%n",
          halfLoadWarmUpSeconds,
          warmHalf.p50,
          warmHalf.p99);
    }
    Run steady =
        profiled(
            profiler, "half", () -> run(cycle(texts, half * halfLoadSeconds), half, "half", trace));
    System.out.printf(
        Locale.ROOT,
        "half load:    %,.0f comments/s offered; latency p50 %.0f ms, p99 %.0f ms%n",
        half,
        steady.p50,
        steady.p99);
    System.out.printf(
        Locale.ROOT,
        "              parts: to the app p50 %.0f / p99 %.0f ms; batch buffer and scoring p50 %.0f"
            + " / p99 %.0f ms;%n              from the decision to the read_committed consumer"
            + " (commit, visibility) p50 %.0f / p99 %.0f ms%n",
        steady.ingest.p50,
        steady.ingest.p99,
        steady.inApp.p50,
        steady.inApp.p99,
        steady.after.p50,
        steady.after.p99);
    if (steady.windows != null) {
      System.out.printf(
          Locale.ROOT,
          "              p99 of each %d-s window: median %d ms, worst %d ms (%d windows)%n",
          WINDOW_SECONDS,
          steady.windows.median(),
          steady.windows.worst(),
          steady.windows.count());
      System.out.printf(
          Locale.ROOT,
          "              in order: %s ms%s%n",
          steady.windows.p99s().stream().map(String::valueOf).collect(Collectors.joining(", ")),
          stealOfWindows(steady.windows));
    }
    printCpu(steady.cpu);
    if (swapTo != null || swapVersion != null) {
      // A quarter of the saturated rate leaves headroom, so a dip shows as a dip, not as noise.
      double quarter = full.throughput / 4;
      swapRelease = prepareSwapRelease();
      Run swap = run(cycle(texts, quarter * SWAP_RUN_SECONDS), quarter, "swap");
      System.out.printf(
          Locale.ROOT,
          "swap:         at %,.0f comments/s offered, first event by %s %,d ms after its release"
              + " was published;%n              events/s in the 5 s before %.1f, lowest 1-s window"
              + " in the 10 s after %.0f, %d s below 90%% of the rate before%n",
          quarter,
          swap.swapVersion,
          swap.releaseToFirstEventMs,
          swap.before,
          swap.lowest,
          swap.secondsBelow);
      System.out.printf(
          Locale.ROOT,
          "              latency during the swap run p50 %.0f ms, p99 %.0f ms%n",
          swap.p50,
          swap.p99);
    }
    return 0;
  }

  /** Runs {@code body}, profiling the app meanwhile into PREFIX.NAME.collapsed when profiling. */
  private Run profiled(AppProfiler profiler, String name, Callable<Run> body) throws Exception {
    if (profiler == null) {
      return body.call();
    }
    profiler.start();
    try {
      return body.call();
    } finally {
      profiler.stopTo(Path.of(profile + "." + name + ".collapsed"));
    }
  }

  /**
   * {@code "; CPU steal 1.2, 17.0, ...%"}, or nothing where the machine's steal was not measured.
   */
  private static String stealOfWindows(Windows windows) {
    if (windows.steal().stream().allMatch(v -> Double.isNaN(v))) {
      return "";
    }
    return "; CPU steal "
        + windows.steal().stream()
            .map(v -> String.format(Locale.ROOT, "%.1f", 100 * v))
            .collect(Collectors.joining(", "))
        + "%";
  }

  private static void printCpu(CpuMeter.Usage usage) {
    System.out.printf(Locale.ROOT, "              cpu: %s%n", usage.describe());
  }

  /** A model-only measurement: comments/s, comments scored, and the cores used meanwhile. */
  private record ModelOnly(double rate, long scored, CpuMeter.Usage cpu) {}

  /**
   * Scores the sample in batches, in this JVM, for at least --model-only-seconds (and the whole
   * sample).
   */
  private ModelOnly modelOnly(ModerationModel scorer, List<String> sample)
      throws InterruptedException {
    CpuMeter.Snapshot start = cpu.snapshot();
    long t0 = System.nanoTime();
    long minNanos = Duration.ofSeconds(modelOnlySeconds).toNanos();
    long scored = 0;
    for (int i = 0;
        scored < sample.size() || System.nanoTime() - t0 < minNanos;
        i = i + batchSize >= sample.size() ? 0 : i + batchSize) {
      List<String> batch = sample.subList(i, Math.min(sample.size(), i + batchSize));
      scorer.score(batch);
      scored += batch.size();
    }
    double rate = scored / ((System.nanoTime() - t0) / 1e9);
    return new ModelOnly(rate, scored, cpu.between(start, cpu.snapshot()));
  }

  /**
   * A run's figures. Latency parts: record timestamp to the app, in the app, decision to the
   * consumer.
   */
  private record Run(
      double throughput,
      double p50,
      double p99,
      Percentiles ingest,
      Percentiles inApp,
      Percentiles after,
      CpuMeter.Usage cpu,
      Windows windows,
      String swapVersion,
      long releaseToFirstEventMs,
      double before,
      double lowest,
      int secondsBelow) {}

  /**
   * The p99 latency of each full {@value #WINDOW_SECONDS}-s window of a run (by send time), in time
   * order, with the share of the machine's CPU time the hypervisor stole during it: whether a run's
   * p99 is set by one bad stretch or by all of it, and whether that stretch is the host's.
   *
   * @param p99s each window's p99 in ms (0 for a window in which nothing was sent)
   * @param steal each window's steal, 0 to 1 (NaN where not measured)
   */
  record Windows(List<Long> p99s, List<Double> steal) {
    Windows {
      p99s = List.copyOf(p99s);
      steal = List.copyOf(steal);
    }

    int count() {
      return p99s.size();
    }

    long median() {
      return p99s.stream().sorted().skip((p99s.size() - 1) / 2).findFirst().orElseThrow();
    }

    long worst() {
      return p99s.stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /**
     * Windows of the first {@code n} comments, or null when the run holds fewer than two full ones.
     *
     * @param machine the machine's ticks sampled during the run, for each window's steal
     */
    static Windows of(long[] sent, long[] latencies, int n, MachineSamples machine) {
      if (n == 0) {
        return null;
      }
      long first = Arrays.stream(sent, 0, n).min().getAsLong();
      long last = Arrays.stream(sent, 0, n).max().getAsLong();
      long windowMs = WINDOW_SECONDS * 1000L;
      int full = (int) ((last - first + 1) / windowMs);
      if (full < 2) {
        return null;
      }
      // a bench run's tens of thousands of comments: boxing them is cheap enough
      List<List<Long>> byWindow = new ArrayList<>();
      for (int w = 0; w < full; w++) {
        byWindow.add(new ArrayList<>());
      }
      for (int i = 0; i < n; i++) {
        long w = (sent[i] - first) / windowMs;
        if (w < full) {
          byWindow.get((int) w).add(latencies[i]);
        }
      }
      List<Long> p99s = new ArrayList<>();
      List<Double> steal = new ArrayList<>();
      for (int w = 0; w < full; w++) {
        List<Long> v = byWindow.get(w);
        p99s.add(
            v.isEmpty()
                ? 0
                : (long)
                    Percentiles.of(v.stream().mapToLong(Long::longValue).toArray(), v.size())
                        .p99());
        steal.add(machine.stealBetween(first + w * windowMs, first + (w + 1) * windowMs));
      }
      return new Windows(p99s, steal);
    }
  }

  /** The machine's CPU ticks sampled through a run (about once a second), by wall-clock time. */
  static final class MachineSamples {
    private final List<Long> atMs = new ArrayList<>();
    private final List<CpuMeter.MachineTicks> ticks = new ArrayList<>();

    /**
     * Adds a sample, taken after the previous ones (a wall clock stepping back is held at the last
     * sample's time).
     */
    void add(long atMs, CpuMeter.MachineTicks machine) {
      this.atMs.add(Math.max(atMs, lastMs()));
      ticks.add(machine);
    }

    long lastMs() {
      return atMs.isEmpty() ? Long.MIN_VALUE : atMs.get(atMs.size() - 1);
    }

    /**
     * Steal between the last samples at or before {@code fromMs} and {@code toMs} (the window's
     * ends, to the sampling interval), 0 to 1; NaN without two distinct samples.
     */
    double stealBetween(long fromMs, long toMs) {
      int a = lastAtOrBefore(fromMs);
      int b = lastAtOrBefore(toMs);
      return a < 0 || b <= a ? Double.NaN : ticks.get(b).stealSince(ticks.get(a));
    }

    private int lastAtOrBefore(long ms) {
      int found = -1;
      for (int i = 0; i < atMs.size() && atMs.get(i) <= ms; i++) {
        found = i;
      }
      return found;
    }
  }

  /**
   * Sends the comments of a run, at {@code rate} per second (0: as fast as the producer takes
   * them).
   */
  private static final class Sender extends Thread {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final List<String> texts;
    private final String prefix;
    private final double rate;
    private volatile Exception failure;

    Sender(
        KafkaProducer<String, byte[]> producer,
        String topic,
        List<String> texts,
        String prefix,
        double rate) {
      super("bench-sender");
      setDaemon(true);
      this.producer = producer;
      this.topic = topic;
      this.texts = texts;
      this.prefix = prefix;
      this.rate = rate;
    }

    @Override
    public void run() {
      try {
        long start = System.nanoTime();
        for (int sent = 0; sent < texts.size() && !isInterrupted(); sent++) {
          if (rate > 0) {
            long wait = start + (long) (sent * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
          }
          String id = prefix + sent;
          producer.send(
              new ProducerRecord<>(
                  topic,
                  id,
                  CODEC.encode(
                      Comment.newBuilder()
                          .setCommentId(id)
                          .setText(texts.get(sent))
                          .setCreatedAt(Instant.now())
                          .build())));
        }
      } catch (InterruptException e) {
        // the run ended (or failed) before every comment was sent
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    void rethrow() {
      if (failure != null) {
        throw new IllegalStateException(
            "sending comments failed: " + failure.getMessage(), failure);
      }
    }
  }

  /** p50 and p99 of the first {@code n} values (sorted in place), in ms. */
  private record Percentiles(double p50, double p99) {
    static Percentiles of(long[] values, int n) {
      Arrays.sort(values, 0, n);
      return new Percentiles(values[(int) (0.50 * (n - 1))], values[(int) (0.99 * (n - 1))]);
    }
  }

  /**
   * {@code count} texts (at least 100) from the first, cycling through them when there are fewer.
   */
  private static List<String> cycle(List<String> texts, double count) {
    int n = (int) Math.max(100, count);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(texts.get(i % texts.size()));
    }
    return out;
  }

  /**
   * Copies the swap bundle (or saves the served one under {@code --swap-version}) into the store,
   * before the swap run, so the run's consumer is not held up by it.
   */
  private ModelRelease prepareSwapRelease() throws Exception {
    ModelBundle bundle =
        swapTo != null
            ? ModelBundle.load(swapTo)
            : ModelBundle.load(model).withVersion(swapVersion);
    BundleInfo info = bundle.info();
    Path target = swapStore.resolve(info.name()).resolve(info.version()).toAbsolutePath();
    String digest;
    if (Files.exists(target.resolve(ModelBundle.MANIFEST_FILE))) {
      digest = ModelBundle.digest(target);
    } else {
      digest = swapTo != null ? ModelBundle.copy(swapTo, target) : bundle.save(target);
    }
    return ModelRelease.newBuilder()
        .setModelName(info.name())
        .setVersion(info.version())
        .setBundleUri(target.toUri().toString())
        .setBundleSha256(digest)
        .setCreatedAt(Instant.now())
        .build();
  }

  private Run run(List<String> texts, double rate, String tag) throws Exception {
    return run(texts, rate, tag, null);
  }

  /**
   * The end-to-end warm-up, at saturation: {@link #warmUpComments}, then rounds of {@link
   * #warmUpRoundComments} while the JIT compilers of the followed processes are still busy.
   */
  private void warmUp(List<String> texts) throws Exception {
    long start = System.nanoTime();
    Run warm = run(cycle(texts, warmUpComments), 0, "warm");
    System.out.printf(
        Locale.ROOT,
        "warm-up:      %,.0f comments/s end to end (%d comments, not counted)%n",
        warm.throughput,
        Math.max(100, warmUpComments));
    double compiling = warm.cpu.compilers();
    if (Double.isNaN(compiling)) {
      return; // no /proc, or no process followed: nothing to wait for
    }
    System.out.printf(
        Locale.ROOT, "              JIT compilers: %s cores%n", warm.cpu.describeCompilers());
    List<String> rounds = new ArrayList<>();
    long roundsStart = System.nanoTime();
    while (warmUpCompilerCores > 0
        && compiling >= warmUpCompilerCores
        && System.nanoTime() - start < warmUpMaxSeconds * 1_000_000_000L) {
      warm = run(cycle(texts, warmUpRoundComments), 0, "warm");
      compiling = warm.cpu.compilers();
      rounds.add(String.format(Locale.ROOT, "%.2f", compiling));
    }
    if (!rounds.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "              then %d rounds of %,d comments (%.0f s) while they used %.2f cores or"
              + " more: %s%s%n",
          rounds.size(),
          warmUpRoundComments,
          (System.nanoTime() - roundsStart) / 1e9,
          warmUpCompilerCores,
          String.join(", ", rounds),
          compiling >= warmUpCompilerCores
              ? " (stopped at --warm-up-max-seconds " + warmUpMaxSeconds + ")"
              : "");
    }
  }

  /** Writes a run's comments, one line each, in the order they became readable. */
  private static void writeTrace(
      Path file, long[] sent, long[] ingest, long[] inApp, long[] after, int n) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("sent_ms,in_app_ms,decided_ms,readable_ms\n");
      for (int i = 0; i < n; i++) {
        long arrived = sent[i] + ingest[i];
        long decided = arrived + inApp[i];
        w.write(sent[i] + "," + arrived + "," + decided + "," + (decided + after[i]) + "\n");
      }
    }
  }

  private Run run(List<String> texts, double rate, String tag, Path traceFile) throws Exception {
    String prefix = "bench-" + tag + "-" + System.nanoTime() + "-";
    Map<String, Object> c =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
            fetchMaxWaitMs);
    Map<String, Object> p =
        ToolProducers.settings(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
    try (KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(labelsTopic).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      long[] latencies = new long[texts.size()];
      long[] ingest = new long[texts.size()];
      long[] inApp = new long[texts.size()];
      long[] after = new long[texts.size()];
      long[] sent = new long[texts.size()];
      int[] perSecond = new int[7200];
      boolean swapRun = tag.equals("swap");
      String releasedVersion = null;
      long releasedAt = -1;
      long firstNew = -1;
      int seen = 0;
      long startMs = System.currentTimeMillis();
      CpuMeter.Snapshot cpuStart = cpu.snapshot();
      MachineSamples machine = new MachineSamples();
      machine.add(startMs, cpuStart.machine());
      // Comments are sent by their own thread, paced by the clock; this thread only consumes,
      // blocking in poll, so the harness does not spin on the cores it shares with the stack.
      Sender sender = new Sender(producer, commentsTopic, texts, prefix, rate);
      sender.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (seen < texts.size() && System.nanoTime() < deadline) {
        sender.rethrow();
        if (System.currentTimeMillis() - machine.lastMs() >= 1000) {
          machine.add(System.currentTimeMillis(), CpuMeter.machine());
        }
        if (swapRun
            && releasedAt < 0
            && System.currentTimeMillis() - startMs > SWAP_AT_SECOND * 1000L) {
          ModelReleases.publish(bootstrap, releasesTopic, swapRelease);
          releasedVersion = swapRelease.getVersion();
          releasedAt = System.currentTimeMillis();
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.key() != null && r.key().startsWith(prefix)) {
            long now = System.currentTimeMillis();
            LabelEvent event = EVENTS.decode(r.value());
            long decided = event.getDecidedAt().toEpochMilli();
            inApp[seen] = event.getScoringLatencyMicros() / 1000;
            ingest[seen] = decided - inApp[seen] - r.timestamp();
            after[seen] = now - decided;
            sent[seen] = r.timestamp();
            latencies[seen++] = now - r.timestamp();
            perSecond[(int) Math.min(perSecond.length - 1, (now - startMs) / 1000)]++;
            if (releasedVersion != null
                && firstNew < 0
                && releasedVersion.equals(event.getModelVersion())) {
              firstNew = now;
            }
          }
        }
      }
      double seconds = (System.currentTimeMillis() - startMs) / 1e3;
      CpuMeter.Snapshot cpuEnd = cpu.snapshot();
      machine.add(System.currentTimeMillis(), cpuEnd.machine());
      CpuMeter.Usage used = cpu.between(cpuStart, cpuEnd);
      sender.interrupt();
      sender.join();
      sender.rethrow();
      if (seen < texts.size()) {
        throw new IllegalStateException(
            "only "
                + seen
                + " of "
                + texts.size()
                + " events arrived within 10 minutes; is the streams app running against "
                + bootstrap
                + "?");
      }
      if (traceFile != null) {
        writeTrace(traceFile, sent, ingest, inApp, after, seen);
      }
      Windows windows = Windows.of(sent, latencies, seen, machine);
      Percentiles total = Percentiles.of(latencies, seen);
      Percentiles toApp = Percentiles.of(ingest, seen);
      Percentiles app = Percentiles.of(inApp, seen);
      Percentiles toConsumer = Percentiles.of(after, seen);
      if (!swapRun) {
        return new Run(
            texts.size() / seconds,
            total.p50,
            total.p99,
            toApp,
            app,
            toConsumer,
            used,
            windows,
            null,
            -1,
            0,
            0,
            0);
      }
      int releaseSecond = (int) ((releasedAt - startMs) / 1000);
      double before = 0;
      for (int i = releaseSecond - 5; i < releaseSecond; i++) {
        before += perSecond[i];
      }
      before /= 5;
      double lowest = Double.MAX_VALUE;
      int below = 0;
      int lastFull = (int) seconds - 1;
      for (int i = releaseSecond; i < Math.min(lastFull, releaseSecond + 10); i++) {
        lowest = Math.min(lowest, perSecond[i]);
        below += perSecond[i] < 0.9 * before ? 1 : 0;
      }
      return new Run(
          texts.size() / seconds,
          total.p50,
          total.p99,
          toApp,
          app,
          toConsumer,
          used,
          windows,
          releasedVersion,
          firstNew < 0 ? -1 : firstNew - releasedAt,
          before,
          lowest == Double.MAX_VALUE ? 0 : lowest,
          below);
    }
  }
}

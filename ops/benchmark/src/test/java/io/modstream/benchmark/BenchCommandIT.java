package io.modstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.testing.TestData;
import io.modstream.streams.ItSupport;
import io.modstream.streams.KafkaBrokerExtension;
import io.modstream.streams.ModelHolder;
import io.modstream.streams.ScorerConfig;
import io.modstream.streams.ScoringTopology;
import io.modstream.streams.TopicSetup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code bench} command, shortened, against the real topology on a real broker: every line
 * ops/bench documents is printed, with figures a working pipeline gives (every comment sent came
 * back, or the command fails).
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BenchCommandIT {

  @Test
  void printsModelOnlyEndToEndAndHalfLoadFigures(
      KafkaBrokerExtension.Broker broker, @TempDir Path dir) throws Exception {
    Path modelDir = dir.resolve("model");
    TestData.tinyModel().bundle().save(modelDir);
    String app = "bench-it-" + System.nanoTime();
    Map<String, Object> settings =
        ItSupport.scorerSettings(broker.bootstrapServers(), app, dir.resolve("state"));
    settings.put(ScorerConfig.MODEL_PATH, modelDir.toString());
    settings.put(ScorerConfig.RELEASES_FOLLOW, false);
    ScorerConfig cfg = new ScorerConfig(settings);
    ModelHolder models = new ModelHolder(ModerationModel.of(ModelBundle.load(modelDir)));
    TopicSetup.createMissing(
        broker.bootstrapServers(), TopicSetup.specs(cfg, models.current().labels()), 3);

    Path trace = dir.resolve("half-load.csv");
    // The profile of the saturated and half-load runs needs async-profiler's Linux x64 library.
    Path agent = asyncProfilerLibrary(dir);
    Path profile = dir.resolve("profile");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    try (KafkaStreams streams =
        new KafkaStreams(ScoringTopology.build(cfg, models), cfg.streamsProperties())) {
      streams.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      // bench prints its figures on System.out.
      CommandLine cli = new CommandLine(new BenchCommand());
      PrintStream stdout = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--model",
                    modelDir.toString(),
                    "--data",
                    TestData.samplePath().toString(),
                    "--bootstrap",
                    broker.bootstrapServers(),
                    "--comments-topic",
                    cfg.getString(ScorerConfig.TOPIC_COMMENTS),
                    "--labels-topic",
                    cfg.getString(ScorerConfig.TOPIC_LABELS),
                    "--count",
                    "400",
                    "--warm-up-seconds",
                    "1",
                    "--model-only-seconds",
                    "1",
                    "--single-count",
                    "50",
                    "--warm-up-comments",
                    "200",
                    "--half-load-warm-up-seconds",
                    "1",
                    "--half-load-seconds",
                    "2",
                    "--trace",
                    trace.toString(),
                    "--warm-up-round-comments",
                    "100",
                    "--warm-up-compiler-cores",
                    "0.000001",
                    "--warm-up-max-seconds",
                    "4",
                    // the app runs in this JVM here
                    "--cpu-of",
                    "app=" + ProcessHandle.current().pid()));
        if (agent != null) {
          args.addAll(
              List.of("--profile", profile.toString(), "--profile-agent", agent.toString()));
        }
        exit = cli.execute(args.toArray(String[]::new));
      } finally {
        System.setOut(stdout);
      }
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    assertThat(number(printed, "model-only: +([\\d,]+) comments/s")).isPositive();
    assertThat(number(printed, "batch of 1: +p50 ([\\d.]+) ms")).isPositive();
    double endToEnd = number(printed, "end-to-end: +([\\d,]+) comments/s at saturation");
    assertThat(endToEnd).isPositive();
    assertThat(number(printed, "model-only: +([\\d,]+) comments/s again, after the end-to-end run"))
        .isPositive();
    assertThat(
            number(
                printed,
                "ratio: +([\\d.]+) \\(end-to-end / model-only, the mean of before and after\\)"))
        .isPositive();
    assertThat(number(printed, "half load: +([\\d,]+) comments/s offered"))
        .isCloseTo(endToEnd / 2, Offset.offset(1.0));
    assertThat(printed)
        .containsPattern(
            "parts: to the app p50 -?\\d+ / p99 -?\\d+ ms; batch buffer and scoring p50 \\d+ / p99"
                + " \\d+ ms;")
        .containsPattern(
            "from the decision to the read_committed consumer \\(commit, visibility\\) p50 \\d+ /"
                + " p99 \\d+ ms");
    // model-only, saturated and half-load runs each say which process used how many cores
    Matcher cpu =
        Pattern.compile(
                "cpu: app ([\\d.]+), bench ([\\d.]+) cores \\(JIT compilers: app [\\d.]+\\); idle"
                    + " ([\\d.]+) of \\d+")
            .matcher(printed);
    int runs = 0;
    while (cpu.find()) {
      runs++;
      assertThat(Double.parseDouble(cpu.group(2))).as(printed).isPositive();
    }
    assertThat(runs).as(printed).isEqualTo(3);
    // the warm-up says how busy the app's JIT compilers were, then warms up in rounds while they
    // are busy, here for at most 4 s in all
    assertThat(printed).containsPattern("(?m)^ +JIT compilers: app \\d+\\.\\d\\d cores$");
    Matcher rounds =
        Pattern.compile(
                "then (\\d+) rounds of 100 comments \\(\\d+ s\\) while they used 0\\.00 cores or"
                    + " more: ([\\d., ]+)")
            .matcher(printed);
    if (rounds.find()) {
      assertThat(rounds.group(2).split(", "))
          .as(printed)
          .hasSize(Integer.parseInt(rounds.group(1)));
    }
    double perCore =
        number(printed, "per core: +([\\d,]+) comments per core-second of the app end to end");
    assertThat(perCore).isPositive();
    assertThat(number(printed, "end to end, ([\\d,]+) model-only")).isPositive();
    if (agent != null) {
      // each measured run's wall-clock profile holds the stream threads' stacks through the scorer
      for (String run : List.of("saturated", "half")) {
        String stacks = Files.readString(Path.of(profile + "." + run + ".collapsed"));
        assertThat(stacks)
            .as(run)
            .containsPattern(
                "(?m)^\\["
                    + Pattern.quote(app)
                    + "[^;]*StreamThread-\\d+ tid=\\d+\\];.*io/modstream/streams/ScoringProcessor");
      }
    }
    // the trace holds every comment of the half-load run, each one's moments in order
    List<String> lines = Files.readAllLines(trace);
    assertThat(lines.get(0)).isEqualTo("sent_ms,in_app_ms,decided_ms,readable_ms");
    // half load for 2 s: the saturated rate's comments, from the printed (rounded) rate
    assertThat(lines.size() - 1)
        .isBetween((int) Math.max(100, endToEnd - 1), (int) Math.max(100, endToEnd + 1));
    for (String line : lines.subList(1, lines.size())) {
      long[] t = Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray();
      // (arrival is the app's cached loop clock, which can read a little before the send)
      assertThat(t[2]).as(line).isGreaterThanOrEqualTo(t[1]);
      assertThat(t[3]).as(line).isGreaterThanOrEqualTo(t[2]).isGreaterThan(t[0]);
    }
  }

  /**
   * async-profiler's library from the test classpath, or null where it does not run (not Linux
   * x64).
   */
  private static Path asyncProfilerLibrary(Path dir) throws IOException {
    boolean linuxX64 =
        System.getProperty("os.name").equals("Linux")
            && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    if (!linuxX64) {
      return null;
    }
    try (InputStream in =
        BenchCommandIT.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
      assertThat(in).as("async-profiler's library on the test classpath").isNotNull();
      Path lib = dir.resolve("libasyncProfiler.so");
      Files.copy(in, lib);
      return lib;
    }
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("'%s' in:%n%s", regex, text).isTrue();
    return Double.parseDouble(m.group(1).replace(",", ""));
  }
}

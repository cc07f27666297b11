package io.modstream.chaos;

import io.modstream.model.ModelBundle;
import io.modstream.schemas.AvroSerde;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.Topics;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The scenarios' bodies. Each starts its own stack, starts the load once the app scores, injects
 * its fault on a timeline of {@code --duration} seconds, then checks what a read_committed reader
 * finds: every acknowledged comment exactly one label event, every acknowledged invalid record
 * exactly one dead letter with the right reason.
 */
final class Scenarios {

  private static final String LABELS = Topics.COMMENT_LABELS.name();
  private static final String DLQ = Topics.DEAD_LETTERS.name();
  private static final Duration SCORING_TIMEOUT = Duration.ofSeconds(240);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(240);

  private final Options options;
  private final Path model;

  /** What a Ctrl-C must stop, newest first. */
  private final Deque<Stoppable> open = new ArrayDeque<>();

  Scenarios(Options options, Path model) {
    this.options = options;
    this.model = model;
  }

  /** Runs one scenario; a failure to set it up is a failed row, with the reason. */
  Row run(Scenario s) {
    Path dir = options.work().resolve(s.cliName());
    try {
      deleteTree(dir);
      Files.createDirectories(dir);
      return switch (s) {
        case APP_KILL_LOOP -> appKillLoop(s, dir);
        case BROKER_KILL -> brokerKill(s, dir);
        case POISON_FLOOD -> poisonFlood(s, dir);
        case DISK_FULL -> diskFull(s, dir);
        case CORRUPT_RELEASE -> corruptRelease(s, dir);
        case CLUSTER_BROKER_KILL -> clusterBrokerKill(s, dir);
        case TWO_APPS_ONE_KILLED -> twoAppsOneKilled(s, dir);
        case BROKER_PARTITION -> brokerPartition(s, dir);
      };
    } catch (IOException | KafkaException | ExecutionException | IllegalStateException e) {
      return new Row(s.cliName(), 0, 0, 0, 0, "-", false, "could not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Row(s.cliName(), 0, 0, 0, 0, "-", false, "interrupted");
    } finally {
      closeAll();
    }
  }

  /** Stops whatever a scenario left running (also from the shutdown hook on Ctrl-C). */
  synchronized void closeAll() {
    while (!open.isEmpty()) {
      open.pop().close();
    }
  }

  private synchronized <T extends Stoppable> T opened(T c) {
    open.push(c);
    return c;
  }

  // ---- scenarios ----

  private Row appKillLoop(Scenario s, Path dir) throws IOException, InterruptedException {
    Stack stack = opened(Stack.oneBroker(dir, options, model, null));
    Run run = scoring(s, stack);
    Stack.App app = run.app;
    long interval = options.duration().toMillis() / (options.kills() + 1);
    List<Long> kills = new ArrayList<>();
    for (int k = 1; k <= options.kills(); k++) {
      Thread.sleep(interval);
      progress(s, "kill -9 of the app, " + k + " of " + options.kills() + ", restarted at once");
      long killed = System.currentTimeMillis();
      kills.add(killed);
      stack.killApp(app);
      app = stack.startApp("a", Map.of());
      // The next kill only once this one is over, so each recovery is one restart's.
      await(
          SCORING_TIMEOUT,
          () -> System.currentTimeMillis() > killed + 2000 && run.recoverySeconds(killed) >= 0);
    }
    Thread.sleep(interval);
    return run.check(
        s,
        () -> range(kills.stream().map(run::recoverySeconds).toList()) + " per kill",
        kills.size() + " kills",
        true);
  }

  private Row brokerKill(Scenario s, Path dir) throws IOException, InterruptedException {
    Stack stack = opened(Stack.oneBroker(dir, options, model, null));
    Run run = scoring(s, stack);
    Thread.sleep(options.duration().toMillis() / 3);
    progress(s, "kill -9 of the broker, down " + options.brokerDown().toSeconds() + " s");
    long killed = System.currentTimeMillis();
    stack.killBroker(1);
    Thread.sleep(options.brokerDown().toMillis());
    stack.restartBroker(1);
    long back = System.currentTimeMillis();
    progress(s, "broker back after " + seconds(back - killed));
    Thread.sleep(
        Math.max(
            options.duration().toMillis() / 3,
            killed + options.duration().toMillis() * 2 / 3 - back));
    return run.check(
        s,
        () -> run.recovery(killed) + " after the kill (down " + seconds(back - killed) + ")",
        "",
        true);
  }

  private Row poisonFlood(Scenario s, Path dir) throws IOException, InterruptedException {
    Stack stack = opened(Stack.oneBroker(dir, options, model, null));
    Run run = scoring(s, stack);
    Thread.sleep(options.duration().toMillis() / 3);
    progress(s, options.poison() + " invalid records among the valid ones");
    long started = System.currentTimeMillis();
    run.load.poison(options.poison());
    long sent = System.currentTimeMillis();
    Thread.sleep(Math.max(0, started + options.duration().toMillis() * 2 / 3 - sent));
    return run.check(
        s,
        () -> run.recovery(started) + " (the flood took " + seconds(sent - started) + " to send)",
        "",
        true);
  }

  private Row diskFull(Scenario s, Path dir) throws IOException, InterruptedException {
    if (!options.isolated()) {
      return Row.skipped(
          s.cliName(),
          "needs root and its own mount namespace for a tmpfs (ops/chaos runs the suite under"
              + " unshare as root)");
    }
    Disk disk = opened(new Disk("64m"));
    Stack stack = opened(Stack.oneBroker(dir, options, model, disk));
    Run run = scoring(s, stack);
    Thread.sleep(options.duration().toMillis() / 3);
    long ballast = disk.fill(256 * 1024);
    progress(s, "disk filled (ballast " + ballast / (1024 * 1024) + " MiB, 256 KiB left)");
    long full = System.currentTimeMillis();
    boolean stopped = await(Duration.ofSeconds(90), () -> !stack.brokerRunning(1));
    long freedAt = System.currentTimeMillis();
    long free = disk.free();
    progress(
        s,
        (stopped ? "broker stopped " + seconds(freedAt - full) + " after" : "broker still up 90 s")
            + "; disk freed ("
            + free / (1024 * 1024)
            + " MiB free), broker restarted");
    stack.restartBroker(1);
    long back = System.currentTimeMillis();
    Thread.sleep(
        Math.max(
            options.duration().toMillis() / 3,
            full + options.duration().toMillis() * 2 / 3 - back));
    String note =
        stopped
            ? "the broker stopped on the full disk"
            : "the broker kept running on the full disk";
    return run.check(s, () -> run.firstEventAfter(back) + " after the restart", note, true);
  }

  private Row corruptRelease(Scenario s, Path dir)
      throws IOException, InterruptedException, ExecutionException {
    Stack stack = opened(Stack.oneBroker(dir, options, model, null));
    Run run = scoring(s, stack);
    Stack.App app = run.app;
    Thread.sleep(options.duration().toMillis() / 3);
    long released = System.currentTimeMillis();
    progress(s, "publishing two corrupt releases: a flipped byte, a missing bundle");
    publishCorruptReleases(stack, dir.resolve("releases"));
    Thread.sleep(options.duration().toMillis() * 2 / 3);
    String log = Files.readString(app.log());
    long refusals = log.lines().filter(l -> l.contains("refused release")).count();
    Row row = run.check(s, () -> run.recovery(released) + " (no pause)", "", refusals >= 2);
    boolean onlyServed = run.tally.versions().keySet().stream().allMatch("t1"::equals);
    return row.and(
        onlyServed,
        refusals + " releases refused; events by model version " + run.tally.versions());
  }

  private Row clusterBrokerKill(Scenario s, Path dir)
      throws IOException, InterruptedException, ExecutionException {
    Stack stack = opened(Stack.threeBrokers(dir, options, model));
    Run run = scoring(s, stack);
    Thread.sleep(options.duration().toMillis() / 3);
    int victim = busiestBroker(stack.bootstrap());
    progress(s, "kill -9 of broker " + victim + " (leads the most partitions), left down");
    long killed = System.currentTimeMillis();
    stack.killBroker(victim);
    Thread.sleep(options.duration().toMillis() * 2 / 3);
    Row row = run.check(s, () -> run.recovery(killed) + " after the kill", "", true);
    boolean stillDown = !stack.brokerRunning(victim);
    return row.and(
        stillDown, "broker " + victim + (stillDown ? " still down at the check" : " up"));
  }

  private Row twoAppsOneKilled(Scenario s, Path dir) throws IOException, InterruptedException {
    Stack stack = opened(Stack.oneBroker(dir, options, model, null));
    Run run = scoring(s, stack);
    Stack.App a = run.app;
    stack.startApp("b", Map.of());
    Thread.sleep(options.duration().toMillis() / 2);
    progress(s, "kill -9 of instance a, not restarted");
    long killed = System.currentTimeMillis();
    stack.killApp(a);
    Thread.sleep(options.duration().toMillis() / 2);
    return run.check(s, () -> run.recovery(killed) + " takeover", "", true);
  }

  private Row brokerPartition(Scenario s, Path dir)
      throws IOException, InterruptedException, ExecutionException {
    String why = Partition.unavailableReason(options.isolated());
    if (why != null) {
      return Row.skipped(s.cliName(), why);
    }
    Partition partition = opened(new Partition(dir));
    Stack stack = opened(Stack.threeBrokers(dir, options, model));
    Run run = scoring(s, stack);
    Thread.sleep(options.duration().toMillis() / 3);
    int victim = busiestBroker(stack.bootstrap());
    long pid =
        stack
            .brokerProcess(victim)
            .orElseThrow(() -> new IllegalStateException("broker " + victim + " not found"))
            .pid();
    Duration cut = options.brokerDown().plusSeconds(10);
    progress(s, "broker " + victim + " cut off for " + cut.toSeconds() + " s");
    long cutAt = System.currentTimeMillis();
    partition.cut(pid, stack.brokerPorts(victim));
    Thread.sleep(cut.toMillis());
    partition.heal();
    long healed = System.currentTimeMillis();
    progress(s, "partition healed");
    Thread.sleep(
        Math.max(
            options.duration().toMillis() / 3,
            cutAt + options.duration().toMillis() * 2 / 3 - healed));
    return run.check(
        s,
        () -> run.recovery(cutAt) + " after the cut (cut " + seconds(healed - cutAt) + ")",
        "broker " + victim + " isolated, then healed",
        true);
  }

  // ---- helpers ----

  /** Creates the app's topics, starts instance a, then the load, once a scores. */
  private Run scoring(Scenario s, Stack stack) throws IOException, InterruptedException {
    stack.createTopics();
    Stack.App a = stack.startApp("a", Map.of());
    return startLoad(s, stack, a);
  }

  private Run startLoad(Scenario s, Stack stack, Stack.App app) throws InterruptedException {
    Load load =
        opened(new Load(stack.bootstrap(), Topics.COMMENTS.name(), s.cliName(), options.rate()));
    Ledger ledger = opened(new Ledger(stack.bootstrap(), LABELS));
    load.start();
    ledger.start();
    if (!await(SCORING_TIMEOUT, () -> !ledger.firstSeenMs().isEmpty())) {
      throw new IllegalStateException(
          "the app scored nothing within "
              + SCORING_TIMEOUT.toSeconds()
              + " s; see "
              + stack.dir());
    }
    progress(
        s,
        "the app scores; load "
            + options.rate()
            + "/s for "
            + options.duration().toSeconds()
            + " s");
    return new Run(load, ledger, stack, app);
  }

  /** The load and the readers of one scenario, and the check at its end. */
  private static final class Run {
    final Load load;
    final Ledger ledger;
    final Stack stack;

    /** The instance started first. */
    final Stack.App app;

    Ledger.Tally tally;

    Run(Load load, Ledger ledger, Stack stack, Stack.App app) {
      this.load = load;
      this.ledger = ledger;
      this.stack = stack;
      this.app = app;
    }

    /**
     * Seconds from a fault until every acknowledged comment sent in the second after it was visible
     * to a read_committed reader; negative when one never was.
     */
    double recoverySeconds(long faultMs) {
      long latest = 0;
      for (Map.Entry<String, Long> e : load.sentAtMs().entrySet()) {
        long sent = e.getValue();
        if (sent >= faultMs && sent < faultMs + 1000 && load.acked().contains(e.getKey())) {
          Long seen = ledger.firstSeenMs().get(e.getKey());
          if (seen == null) {
            return -1;
          }
          latest = Math.max(latest, seen - faultMs);
        }
      }
      return latest / 1000.0;
    }

    String recovery(long faultMs) {
      double s = recoverySeconds(faultMs);
      return s < 0 ? "none" : String.format("%.1f s", s);
    }

    /** Seconds from a moment to the first label event read after it. */
    String firstEventAfter(long ms) {
      return ledger.firstSeenMs().values().stream()
          .filter(t -> t >= ms)
          .min(Long::compare)
          .map(t -> String.format("%.1f s", (t - ms) / 1000.0))
          .orElse("none");
    }

    Row check(Scenario s, Supplier<String> recovery, String note, boolean extraPassed)
        throws InterruptedException {
      load.stop();
      progress(
          s,
          String.format(
              "load stopped (%,d sent, %,d acknowledged, %,d failed); checking",
              load.sentAtMs().size(), load.acked().size(), load.failed()));
      await(CHECK_TIMEOUT, () -> ledger.firstSeenMs().keySet().containsAll(load.acked()));
      Thread.sleep(5000); // a duplicate, if any, would show up now
      tally = ledger.tally(DLQ, Duration.ofSeconds(60));
      Map<String, Integer> events = tally.events();
      int missing = 0;
      for (String id : load.acked()) {
        if (!events.containsKey(id)) {
          missing++;
        }
      }
      int dup = 0;
      int total = 0;
      int invalidLabelled = 0;
      for (Map.Entry<String, Integer> e : events.entrySet()) {
        total += e.getValue();
        dup += e.getValue() > 1 ? 1 : 0;
        invalidLabelled += e.getKey().contains("-bad-") ? 1 : 0;
      }
      List<String> notes = new ArrayList<>();
      if (!note.isEmpty()) {
        notes.add(note);
      }
      if (load.failed() > 0) {
        notes.add(
            load.failed()
                + " sends reported failed to the producer, first: "
                + load.firstFailure());
      }
      boolean dlqOk = true;
      Map<String, String> invalid = load.invalidAcked();
      if (!invalid.isEmpty() || !tally.deadLetters().isEmpty()) {
        int wrong = 0;
        int missingDlq = 0;
        for (Map.Entry<String, String> e : invalid.entrySet()) {
          Integer n = tally.deadLetters().get(e.getKey());
          if (n == null) {
            missingDlq++;
          } else if (n != 1 || !e.getValue().equals(tally.reasons().get(e.getKey()))) {
            wrong++;
          }
        }
        int total2 = tally.deadLetters().values().stream().mapToInt(Integer::intValue).sum();
        dlqOk = wrong == 0 && missingDlq == 0 && total2 == invalid.size() && invalidLabelled == 0;
        notes.add(
            String.format(
                "DLQ %,d for %,d invalid acked, %d missing, %d wrong or repeated%s",
                total2,
                invalid.size(),
                missingDlq,
                wrong,
                invalidLabelled > 0 ? ", " + invalidLabelled + " invalid ones labelled" : ""));
      }
      boolean passed = missing == 0 && dup == 0 && dlqOk && extraPassed && !load.acked().isEmpty();
      Row row =
          new Row(
              s.cliName(),
              load.acked().size(),
              total,
              missing,
              dup,
              recovery.get(),
              passed,
              String.join("; ", notes));
      progress(s, row.line());
      return row;
    }
  }

  private void publishCorruptReleases(Stack stack, Path store)
      throws IOException, InterruptedException, ExecutionException {
    Path flipped = store.resolve("tiny").resolve("t1-flipped");
    String digest = ModelBundle.copy(model, flipped);
    try (RandomAccessFile f =
        new RandomAccessFile(flipped.resolve(ModelBundle.NETWORK_FILE).toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xFF);
    }
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, ModelRelease> producer =
        new KafkaProducer<>(config, new StringSerializer(), AvroSerde.of(ModelRelease.class))) {
      for (String[] r :
          List.of(
              new String[] {"t1-flipped", flipped.toUri().toString(), digest},
              new String[] {"t1-missing", store.resolve("nowhere").toUri().toString(), digest})) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.MODEL_RELEASES.name(),
                    "tiny",
                    ModelRelease.newBuilder()
                        .setModelName("tiny")
                        .setVersion(r[0])
                        .setBundleUri(r[1])
                        .setBundleSha256(r[2])
                        .setCreatedAt(Instant.now())
                        .build()))
            .get();
      }
    }
  }

  /** The broker that leads the most partitions of the labels, comments and changelog topics. */
  private static int busiestBroker(String bootstrap)
      throws InterruptedException, ExecutionException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      List<String> topics = new ArrayList<>(List.of(LABELS, Topics.COMMENTS.name()));
      admin.listTopics().names().get().stream()
          .filter(t -> t.endsWith("-changelog"))
          .forEach(topics::add);
      Map<Integer, Integer> led = new HashMap<>();
      Collection<TopicDescription> all =
          admin.describeTopics(topics).allTopicNames().get().values();
      for (TopicDescription d : all) {
        for (TopicPartitionInfo info : d.partitions()) {
          if (info.leader() != null) {
            led.merge(info.leader().id(), 1, Integer::sum);
          }
        }
      }
      return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
  }

  private static boolean await(Duration timeout, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  private static String range(List<Double> values) {
    if (values.stream().anyMatch(v -> v < 0)) {
      return "none for some";
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return String.format("%.1f-%.1f s", min, max);
  }

  private static String seconds(long ms) {
    return String.format("%.1f s", ms / 1000.0);
  }

  private static void progress(Scenario s, String what) {
    System.err.printf("chaos [%s] %s: %s%n", Instant.now(), s.cliName(), what);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

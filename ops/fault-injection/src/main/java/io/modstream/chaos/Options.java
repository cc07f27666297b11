package io.modstream.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's settings, from the command line.
 *
 * @param scenarios the scenarios to run, in order
 * @param work the directory for brokers' data, the apps' state and logs
 * @param appJar the packaged streams app
 * @param duration how long the load runs in each scenario, once the app scores
 * @param rate valid comments per second
 * @param kills how many times the app-kill scenario kills the app
 * @param brokerDown how long a killed broker stays down
 * @param poison how many invalid records the poison flood sends
 * @param isolated whether this JVM runs in its own network and mount namespaces (ops/chaos sets up
 *     both as root), which the disk and partition scenarios need
 */
record Options(
    List<Scenario> scenarios,
    Path work,
    Path appJar,
    Duration duration,
    int rate,
    int kills,
    Duration brokerDown,
    int poison,
    boolean isolated) {

  static final String USAGE =
      String.join(
          "\n",
          "usage: ops/chaos (--all | --scenario NAME ...) [--duration SECONDS] [--rate N]",
          "                 [--kills N] [--down SECONDS] [--poison N] [--work DIR] [--list]",
          "  --scenario NAME  one of the scenarios below (repeatable); --all runs every one",
          "  --duration S     seconds of steady load per scenario once the app scores (default 60)",
          "  --rate N         valid comments per second (default 50)",
          "  --kills N        app kills in app-kill-loop (default 3)",
          "  --down S         seconds a killed broker stays down in broker-kill (default 20)",
          "  --poison N       invalid records in poison-flood (default 10000)",
          "  --work DIR       brokers' data, apps' state and logs (default .local/chaos)");

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException with the usage line when they are wrong
   */
  static Options parse(String[] args, Path root) {
    List<Scenario> chosen = new ArrayList<>();
    Path work = root.resolve(".local").resolve("chaos");
    int duration = 60;
    int rate = 50;
    int kills = 3;
    int down = 20;
    int poison = 10_000;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--all" -> chosen.addAll(List.of(Scenario.values()));
        case "--scenario" -> chosen.add(Scenario.named(value(args, ++i, a)));
        case "--duration" -> duration = positive(value(args, ++i, a), a);
        case "--rate" -> rate = positive(value(args, ++i, a), a);
        case "--kills" -> kills = positive(value(args, ++i, a), a);
        case "--down" -> down = positive(value(args, ++i, a), a);
        case "--poison" -> poison = positive(value(args, ++i, a), a);
        case "--work" -> work = Path.of(value(args, ++i, a));
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("name a --scenario, or --all\n" + USAGE);
    }
    return new Options(
        List.copyOf(new java.util.LinkedHashSet<>(chosen)),
        work.toAbsolutePath(),
        root.resolve("streams-app").resolve("target").resolve("streams-app.jar"),
        Duration.ofSeconds(duration),
        rate,
        kills,
        Duration.ofSeconds(down),
        poison,
        "1".equals(System.getenv("MODSTREAM_CHAOS_ISOLATED")));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static int positive(String value, String option) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " takes a positive whole number, not " + value);
  }
}

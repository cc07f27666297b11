package io.modstream.chaos;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The faults the suite injects, each against a stack of its own. */
enum Scenario {
  APP_KILL_LOOP("app kill -9, restarted at once, several times under load (static membership)"),
  BROKER_KILL("the only broker killed (kill -9) under load, started again after --down seconds"),
  POISON_FLOOD("a flood of invalid records among the valid ones: each to the DLQ with its reason"),
  DISK_FULL("the broker's log directory (a 64 MiB tmpfs) fills up under load, then is freed"),
  CORRUPT_RELEASE("corrupt model releases published while serving: refused, the model stays"),
  CLUSTER_BROKER_KILL("three brokers, the busiest killed (kill -9) and left down"),
  TWO_APPS_ONE_KILLED("two app instances share the input; one is killed and not restarted"),
  BROKER_PARTITION("three brokers, the busiest cut off the network (loopback only) for a while");

  private final String description;

  Scenario(String description) {
    this.description = description;
  }

  /** The name on the command line and in the table, e.g. {@code app-kill-loop}. */
  String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  String description() {
    return description;
  }

  static Scenario named(String name) {
    for (Scenario s : values()) {
      if (s.cliName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scenario "
            + name
            + "; one of: "
            + Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", ")));
  }
}

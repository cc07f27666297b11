package io.modstream.chaos;

import io.modstream.model.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault-injection suite's entry point (run it with {@code ops/chaos}): runs the chosen
 * scenarios one after another, each against a stack of its own, and prints the table of results.
 * Exits 0 when every row passed, 1 when one failed, 2 on a usage error.
 */
public final class ChaosMain {

  private ChaosMain() {}

  /**
   * Runs the suite.
   *
   * @param args see {@code ops/chaos --help}
   * @throws IOException if the work directory or the model cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path root = Path.of("").toAbsolutePath();
    if (args.length == 1 && args[0].equals("--list")) {
      for (Scenario s : Scenario.values()) {
        System.out.printf("%-20s %s%n", s.cliName(), s.description());
      }
      return;
    }
    Options options;
    try {
      options = Options.parse(args, root);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (!Files.isRegularFile(options.appJar())) {
      System.err.println(
          "chaos: " + options.appJar() + " is missing; build it: mvn -o -q -B -DskipTests package");
      System.exit(2);
    }
    Files.createDirectories(options.work());
    Path model = options.work().resolve("model");
    if (!Files.isRegularFile(model.resolve("manifest.json"))) {
      System.err.println("chaos: training the tiny model the stacks serve");
      TestData.tinyModel().bundle().save(model);
    }
    Scenarios scenarios = new Scenarios(options, model);
    Runtime.getRuntime().addShutdownHook(new Thread(scenarios::closeAll, "chaos-cleanup"));
    List<Row> rows = new ArrayList<>();
    for (Scenario s : options.scenarios()) {
      System.err.printf("chaos: %s: %s%n", s.cliName(), s.description());
      rows.add(scenarios.run(s));
    }
    System.out.println(Row.header());
    rows.forEach(r -> System.out.println(r.line()));
    System.out.flush();
    System.exit(rows.stream().allMatch(Row::passed) ? 0 : 1);
  }
}

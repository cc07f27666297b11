package io.modstream.chaos;

/**
 * One scenario's line of the table.
 *
 * @param scenario the scenario's name
 * @param acked comments the brokers acknowledged
 * @param events label events read (read_committed) for them
 * @param missing acknowledged comments without an event
 * @param duplicated comments with more than one event
 * @param recovery how long the fault interrupted scoring, in words
 * @param passed whether every check held
 * @param note what else was checked or why it failed
 */
record Row(
    String scenario,
    int acked,
    int events,
    int missing,
    int duplicated,
    String recovery,
    boolean passed,
    String note) {

  /** A scenario that could not run here, with the reason. */
  static Row skipped(String scenario, String why) {
    return new Row(scenario, 0, 0, 0, 0, "-", true, "SKIPPED: " + why);
  }

  /** This row with a further check and what it found: passed only if {@code ok} holds too. */
  Row and(boolean ok, String more) {
    return new Row(
        scenario,
        acked,
        events,
        missing,
        duplicated,
        recovery,
        passed && ok,
        note.isEmpty() ? more : note + "; " + more);
  }

  boolean isSkipped() {
    return note.startsWith("SKIPPED");
  }

  static String header() {
    return "| scenario | acked | events | missing / dup | recovery | result |\n"
        + "|---|---|---|---|---|---|";
  }

  String line() {
    String result =
        isSkipped() ? note : (passed ? "PASS" : "FAIL") + (note.isEmpty() ? "" : " (" + note + ")");
    if (isSkipped()) {
      return String.format("| %s | - | - | - | - | %s |", scenario, result);
    }
    return String.format(
        "| %s | %,d | %,d | %,d / %,d | %s | %s |",
        scenario, acked, events, missing, duplicated, recovery, result);
  }
}

package io.modstream.trainer;

/**
 * When {@code trainer serve} runs a retraining run: after {@code every} new feedback records, or
 * {@code everyMinutes} after the last run when there is any feedback the serving model has not
 * seen. A run that fails (the cluster went away, a disk filled) leaves its feedback unseen: it is
 * tried again {@code everyMinutes} after the failure, or once {@code every} more records arrive,
 * not on the next poll (a failing run would otherwise retrain in a loop).
 */
final class RetrainSchedule {

  private final long every;
  private final double everyMinutes;
  private long seen;
  private long countFrom;
  private long lastRunNanos;

  /**
   * @param every records that trigger a run; 0 disables the count trigger
   * @param everyMinutes minutes after the last run that trigger one if there is new feedback; 0
   *     disables
   * @param seen feedback records the serving model was trained on
   * @param nowNanos {@link System#nanoTime()} now
   */
  RetrainSchedule(long every, double everyMinutes, long seen, long nowNanos) {
    validate(every, everyMinutes);
    this.every = every;
    this.everyMinutes = everyMinutes;
    this.seen = seen;
    this.countFrom = seen;
    this.lastRunNanos = nowNanos;
  }

  /** Refuses settings that would never run: both triggers off, or below 0. */
  static void validate(long every, double everyMinutes) {
    if (every < 0 || everyMinutes < 0 || (every == 0 && everyMinutes == 0)) {
      throw new IllegalArgumentException(
          "set --every or --every-minutes (or both) above 0 (0 disables one)");
    }
  }

  /** Feedback records the serving model has not seen, of {@code size} in the topic. */
  long fresh(long size) {
    return size - seen;
  }

  /**
   * Why a run is due with {@code size} records in the topic ("count trigger", "time trigger"), or
   * null.
   */
  String due(long size, long nowNanos) {
    if (every > 0 && size - countFrom >= every) {
      return "count trigger";
    }
    if (everyMinutes > 0 && fresh(size) > 0 && (nowNanos - lastRunNanos) / 60e9 >= everyMinutes) {
      return "time trigger";
    }
    return null;
  }

  /** A run over {@code size} records ended with a decision (released or rejected). */
  void ran(long size, long nowNanos) {
    seen = size;
    countFrom = size;
    lastRunNanos = nowNanos;
  }

  /**
   * A run over {@code size} records failed: its feedback stays unseen, and waits for the next
   * trigger.
   */
  void failed(long size, long nowNanos) {
    countFrom = size;
    lastRunNanos = nowNanos;
  }
}

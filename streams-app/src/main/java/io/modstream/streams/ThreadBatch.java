package io.modstream.streams;

import io.modstream.model.ModerationModel;
import io.modstream.model.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The scoring processors of one stream thread, so that one model call scores the waiting comments
 * of all the thread's tasks. Each task (input partition) buffers its own comments; with six
 * partitions on two stream threads a task at half load gathers only a few comments in {@code
 * batch.max.wait.ms}, and the model's cost per comment is highest in such small calls. When one
 * task's batch is due, the others' waiting comments ride along; each task forwards its own results
 * the next time it runs (a record, or its punctuation every {@code batch.max.wait.ms} / 5), in its
 * own context, so events, store deletes and offsets stay per task. Used only by its stream thread:
 * not thread-safe, and needs not be.
 */
final class ThreadBatch {

  /** A task's side of the shared call: the texts it waits on, and their verdicts. */
  interface Member {

    /** Appends the texts of this member's unscored comments, in order. */
    void addUnscoredTexts(List<String> texts);

    /**
     * Takes the verdicts of the texts it added, in the same order.
     *
     * @param verdicts one per text this member added
     * @param decidedAtMs when the call decided them (wall clock)
     */
    void acceptVerdicts(List<Verdict> verdicts, long decidedAtMs);
  }

  private static final ThreadLocal<ThreadBatch> OF_THREAD =
      ThreadLocal.withInitial(ThreadBatch::new);

  private final Set<Member> members = new LinkedHashSet<>();

  private ThreadBatch() {}

  /** The calling stream thread's batch. */
  static ThreadBatch ofCurrentThread() {
    return OF_THREAD.get();
  }

  void join(Member member) {
    members.add(member);
  }

  void leave(Member member) {
    members.remove(member);
  }

  /**
   * Decides every member's unscored comments in one call and hands each member its verdicts.
   *
   * @param model the model that decides them all
   * @param clock read after the call: the decision time the events carry
   * @return how many comments were decided
   */
  int scoreAll(ModerationModel model, LongSupplier clock) throws InterruptedException {
    List<Member> owners = new ArrayList<>(members.size());
    List<String> texts = new ArrayList<>();
    int[] counts = new int[members.size()];
    for (Member m : members) {
      int before = texts.size();
      m.addUnscoredTexts(texts);
      if (texts.size() > before) {
        counts[owners.size()] = texts.size() - before;
        owners.add(m);
      }
    }
    if (texts.isEmpty()) {
      return 0;
    }
    List<Verdict> verdicts = model.decide(texts);
    long decidedAtMs = clock.getAsLong();
    int from = 0;
    for (int i = 0; i < owners.size(); i++) {
      owners.get(i).acceptVerdicts(verdicts.subList(from, from + counts[i]), decidedAtMs);
      from += counts[i];
    }
    return texts.size();
  }

  /** How many members there are (for tests). */
  int size() {
    return members.size();
  }
}

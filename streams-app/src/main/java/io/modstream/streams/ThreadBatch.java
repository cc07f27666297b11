package io.modstream.streams;

import io.modstream.model.ModerationModel;
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
 * the next time it runs (a record, or its punctuation every {@code batch.max.wait.ms} / 5), in its own context, so events, store deletes and
 * offsets stay per task. Used only by its stream thread: not thread-safe, and needs not be.
 */
final class ThreadBatch {

  private static final ThreadLocal<ThreadBatch> OF_THREAD = ThreadLocal.withInitial(ThreadBatch::new);

  private final Set<ScoringProcessor> members = new LinkedHashSet<>();

  private ThreadBatch() {}

  /** The calling stream thread's batch. */
  static ThreadBatch ofCurrentThread() {
    return OF_THREAD.get();
  }

  void join(ScoringProcessor processor) {
    members.add(processor);
  }

  void leave(ScoringProcessor processor) {
    members.remove(processor);
  }

  /**
   * Scores every member's unscored comments in one call and hands each member its rows.
   *
   * @param model the model that scores them all
   * @param clock read after the call: the decision time the events carry
   * @return how many comments were scored
   */
  int scoreAll(ModerationModel model, LongSupplier clock) throws InterruptedException {
    List<ScoringProcessor> owners = new ArrayList<>(members.size());
    List<String> texts = new ArrayList<>();
    int[] counts = new int[members.size()];
    for (ScoringProcessor p : members) {
      int before = texts.size();
      p.addUnscoredTexts(texts);
      if (texts.size() > before) {
        counts[owners.size()] = texts.size() - before;
        owners.add(p);
      }
    }
    if (texts.isEmpty()) {
      return 0;
    }
    float[][] scores = model.score(texts);
    long decidedAtMs = clock.getAsLong();
    int from = 0;
    for (int i = 0; i < owners.size(); i++) {
      owners.get(i).acceptScores(scores, from, counts[i], model, decidedAtMs);
      from += counts[i];
    }
    return texts.size();
  }

  /** How many processors are members (for tests). */
  int size() {
    return members.size();
  }
}

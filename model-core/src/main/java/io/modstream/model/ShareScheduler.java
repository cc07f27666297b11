package io.modstream.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link ModerationModel} spreads one call over its replicas: the call's rows are split into
 * shares of about equal cost, and the shares run on the calling thread and on helper threads.
 * Thread-safe.
 */
final class ShareScheduler {

  /** A call is split across replicas only if each share gets at least this many rows. */
  static final int MIN_SPLIT_ROWS = 32;

  /** One share's work. */
  interface ShareTask {
    void run(int share) throws InterruptedException;
  }

  private final int replicas;

  /** Threads that run a call's extra shares; null with one replica. */
  private final ExecutorService helpers;

  ShareScheduler(int replicas, String threadName) {
    this.replicas = replicas;
    if (replicas == 1) {
      this.helpers = null;
    } else {
      // Idle helpers exit after 30 s, so a model replaced by a hot swap leaves no threads behind.
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              replicas - 1,
              replicas - 1,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      this.helpers = pool;
    }
  }

  /** How many shares a call of this many rows is split into: at least 1. */
  int sharesFor(int rows) {
    return helpers == null ? 1 : Math.max(1, Math.min(replicas, rows / MIN_SPLIT_ROWS));
  }

  /**
   * Runs every share of a call and returns when all are done: share 0 on the calling thread, the
   * others offered to the helpers. The caller then runs the shares no helper has started yet
   * itself: with several callers (stream threads) the helpers are busy with other calls' shares,
   * and waiting for them would leave the caller idle. A task must not wait for another thread while
   * it holds a replica, so concurrent callers cannot deadlock.
   *
   * @param shares how many shares, from {@link #sharesFor}
   * @param task the work of one share
   * @throws InterruptedException if a share was interrupted
   */
  void runAll(int shares, ShareTask task) throws InterruptedException {
    if (shares == 1) {
      task.run(0);
      return;
    }
    List<FutureTask<Void>> pending = new ArrayList<>(shares - 1);
    for (int s = 1; s < shares; s++) {
      int share = s;
      FutureTask<Void> f =
          new FutureTask<>(
              () -> {
                task.run(share);
                return null;
              });
      pending.add(f);
      helpers.execute(f);
    }
    task.run(0);
    // Last first: the helpers take the queue's oldest. run() does nothing for a task already
    // started or done, and a helper that dequeues a task the caller ran finds it done.
    for (int k = pending.size() - 1; k >= 0; k--) {
      pending.get(k).run();
    }
    for (FutureTask<Void> f : pending) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "scoring failed on a helper thread: " + e.getCause(), e.getCause());
      }
    }
  }

  /**
   * Splits a call's rows into shares of about equal cost: longest first, each to the share with the
   * least estimated cost so far ({@link #cost}); each share's rows in input order. Interleaved rows
   * would leave real comments' shares unequal, and the lighter share's thread idle.
   */
  static int[][] shares(List<String> texts, int shares) {
    int n = texts.size();
    if (shares == 1) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return new int[][] {all};
    }
    long[] byCost = new long[n];
    for (int i = 0; i < n; i++) {
      byCost[i] = (long) cost(texts.get(i)) << 32 | i;
    }
    Arrays.sort(byCost);
    long[] load = new long[shares];
    int[] owner = new int[n];
    int[] counts = new int[shares];
    for (int k = n - 1; k >= 0; k--) {
      int lightest = 0;
      for (int s = 1; s < shares; s++) {
        if (load[s] < load[lightest]) {
          lightest = s;
        }
      }
      int row = (int) byCost[k];
      owner[row] = lightest;
      load[lightest] += byCost[k] >>> 32;
      counts[lightest]++;
    }
    int[][] out = new int[shares][];
    for (int s = 0; s < shares; s++) {
      out[s] = new int[counts[s]];
    }
    int[] filled = new int[shares];
    for (int row = 0; row < n; row++) {
      out[owner[row]][filled[owner[row]]++] = row;
    }
    return out;
  }

  /**
   * An estimate of what scoring a text costs, in units of its characters: tokenizing and the linear
   * model read up to 3,000 characters, and the network, about twice as costly per character, its
   * first 128 tokens (about 700 characters). An estimate from the JMH figures (docs/benchmarks.md),
   * used only to balance shares.
   */
  static int cost(String text) {
    int chars = text.length();
    return Math.min(chars, 3_000) + 2 * Math.min(chars, 700);
  }
}

package io.modstream.model;

import io.modstream.model.internal.LinearModel;
import io.modstream.model.internal.Replicas;
import io.modstream.model.internal.Scoring;
import io.modstream.model.internal.ScoringNetwork;
import io.modstream.model.text.TextEncoder;
import io.modstream.model.text.Tokenizer;
import io.modstream.model.text.Vocabulary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Scores comments with a bundle: texts in, one calibrated score per label per text out. A format 2
 * bundle blends its LSTM with its linear model and calibrates the blend ({@link ScoreCalibration});
 * a format 1 bundle serves its network's probabilities. With several replicas, a call of at least
 * {@value ShareScheduler#MIN_SPLIT_ROWS} rows per replica is split into one share per replica, each
 * tokenized and scored on its own thread (on CUDA each share is only tokenized there, and the
 * network scores the whole call at once). The network runs on an {@link InferenceEngine} (ONNX
 * Runtime by default; DL4J is the reference). Thread-safe: it holds a fixed number of network
 * replicas and each share of a call borrows one, so up to that many callers score in parallel and
 * the rest wait. Immutable apart from that pool.
 */
public final class ModerationModel {

  /** The default most comments per network call. */
  public static final int DEFAULT_MAX_BATCH = 256;

  private final BundleInfo info;
  private final TextEncoder encoder;
  private final BlockingQueue<ScoringNetwork> replicas;
  private final InferenceEngine engine;
  private final int maxBatch;
  private final DecisionPolicy policy;
  private final LinearModel linear;
  private final int tokenLimit;
  private final ShareScheduler scheduler;

  /**
   * Whether the network scores a split call's rows in one go (cut at {@code maxBatch}) after the
   * shares are tokenized, rather than each share its own. Small calls waste a GPU (docs/gpu.md); on
   * a CPU a share's network work is what the split spreads over the cores.
   */
  private final boolean wholeCalls;

  private ModerationModel(
      ModelBundle bundle,
      int replicaCount,
      int maxBatch,
      InferenceEngine engine,
      EngineOptions options,
      boolean wholeCalls) {
    if (replicaCount < 1) {
      throw new IllegalArgumentException("replicas must be at least 1, got " + replicaCount);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
    this.info = bundle.info();
    this.encoder =
        new TextEncoder(
            Tokenizer.forScheme(info.tokenizerScheme(), bundle.vocabulary()),
            bundle.vocabulary(),
            info.maxLength());
    this.engine = Objects.requireNonNull(engine, "engine");
    this.replicas = new ArrayBlockingQueue<>(replicaCount);
    this.replicas.addAll(Replicas.of(bundle, engine, options, replicaCount));
    this.maxBatch = maxBatch;
    this.policy = DecisionPolicy.of(info);
    this.linear = bundle.linear();
    this.tokenLimit =
        linear == null ? info.maxLength() : Math.max(info.maxLength(), LINEAR_MAX_TOKENS);
    this.wholeCalls = wholeCalls;
    this.scheduler = new ShareScheduler(replicaCount, "modstream-scoring-" + info.version());
  }

  /** The most tokens of a comment the linear model reads (training and serving alike). */
  public static final int LINEAR_MAX_TOKENS = 1_000;

  /**
   * Creates a model with one replica, batches of up to {@value #DEFAULT_MAX_BATCH} and the default
   * engine.
   *
   * @param bundle the bundle
   * @return the model
   */
  public static ModerationModel of(ModelBundle bundle) {
    return of(bundle, 1, DEFAULT_MAX_BATCH);
  }

  /**
   * Creates a model.
   *
   * @param bundle the bundle
   * @param replicas how many network replicas score at once, one thread each: a call with enough
   *     rows is split into one share per replica (DL4J replicas each hold a copy of the weights;
   *     ONNX Runtime replicas share one session)
   * @param maxBatch the most comments per network call; longer lists are split, grouped by length
   * @return the model, on {@link InferenceEngine#DEFAULT}
   */
  public static ModerationModel of(ModelBundle bundle, int replicas, int maxBatch) {
    return of(bundle, replicas, maxBatch, InferenceEngine.DEFAULT);
  }

  /**
   * Creates a model on a chosen engine.
   *
   * @param bundle the bundle
   * @param replicas how many network replicas score at once (see {@link #of(ModelBundle, int,
   *     int)})
   * @param maxBatch the most comments per network call
   * @param engine what runs the network
   * @return the model
   * @throws IllegalStateException if the engine cannot load the network (for example CUDA without a
   *     GPU)
   */
  public static ModerationModel of(
      ModelBundle bundle, int replicas, int maxBatch, InferenceEngine engine) {
    return of(bundle, replicas, maxBatch, engine, EngineOptions.DEFAULT);
  }

  /**
   * Creates a model on a chosen engine with engine options.
   *
   * @param bundle the bundle
   * @param replicas how many network replicas score at once (see {@link #of(ModelBundle, int,
   *     int)})
   * @param maxBatch the most comments per network call
   * @param engine what runs the network
   * @param options the ONNX Runtime engines' layout, call costs and CUDA precision (the DL4J
   *     engines ignore them)
   * @return the model
   * @throws IllegalStateException if the engine cannot load the network
   */
  public static ModerationModel of(
      ModelBundle bundle,
      int replicas,
      int maxBatch,
      InferenceEngine engine,
      EngineOptions options) {
    return new ModerationModel(
        Objects.requireNonNull(bundle, "bundle"),
        replicas,
        maxBatch,
        engine,
        Objects.requireNonNull(options, "options"),
        engine == InferenceEngine.ONNX_CUDA);
  }

  /**
   * As {@link #of(ModelBundle, int, int, InferenceEngine)}, choosing how a split call uses the
   * network (tests).
   */
  static ModerationModel of(
      ModelBundle bundle, int replicas, int maxBatch, InferenceEngine engine, boolean wholeCalls) {
    return new ModerationModel(
        Objects.requireNonNull(bundle, "bundle"),
        replicas,
        maxBatch,
        engine,
        EngineOptions.DEFAULT,
        wholeCalls);
  }

  /**
   * Scores texts.
   *
   * @param texts any texts (empty and huge ones included: only the first {@code maxLength} tokens
   *     are scored)
   * @return {@code [texts.size()][labels().size()]} probabilities in [0, 1], in input order
   * @throws InterruptedException if interrupted while waiting for a free replica
   */
  public float[][] score(List<String> texts) throws InterruptedException {
    int n = texts.size();
    float[][] scores = new float[n][];
    int shares = scheduler.sharesFor(n);
    int[][] rows = ShareScheduler.shares(texts, shares);
    // Each share tokenizes and runs the linear model on its own thread, and, unless the network
    // takes whole calls, runs the network too, so all of a call's work is spread.
    Prepared[] prepared = new Prepared[shares];
    boolean eachShareScores = shares == 1 || !wholeCalls;
    scheduler.runAll(
        shares,
        s -> {
          prepared[s] = prepare(texts, rows[s]);
          if (eachShareScores) {
            finish(prepared[s], scoreRows(prepared[s].rows()), scores);
          }
        });
    if (!eachShareScores) {
      int[][] all = new int[n][];
      int at = 0;
      for (Prepared p : prepared) {
        System.arraycopy(p.rows(), 0, all, at, p.rows().length);
        at += p.rows().length;
      }
      float[][] out = scoreRows(all);
      at = 0;
      for (Prepared p : prepared) {
        finish(p, Arrays.copyOfRange(out, at, at + p.rows().length), scores);
        at += p.rows().length;
      }
    }
    return scores;
  }

  /**
   * A share's texts, tokenized: the network's rows and the linear model's log-odds (null without
   * one).
   */
  private record Prepared(int[] share, int[][] rows, double[][] linearLogits) {}

  /** Tokenizes a share's texts and runs the linear model on them. */
  private Prepared prepare(List<String> texts, int[] share) {
    int count = share.length;
    int[][] rows = new int[count][];
    double[][] linearLogits = linear == null ? null : new double[count][];
    Vocabulary vocabulary = encoder.vocabulary();
    for (int k = 0; k < count; k++) {
      // Resolved once, for both models.
      List<String> tokens =
          encoder.tokenizer().tokenize(texts.get(share[k]), tokenLimit).stream()
              .map(vocabulary::resolve)
              .toList();
      if (linear != null) {
        linearLogits[k] = linear.logits(tokens);
      }
      rows[k] = encoder.encodeResolved(tokens);
    }
    return new Prepared(share, rows, linearLogits);
  }

  /** Runs the network on rows with a borrowed replica, in calls of at most {@code maxBatch}. */
  private float[][] scoreRows(int[][] rows) throws InterruptedException {
    if (rows.length == 0) {
      return new float[0][];
    }
    ScoringNetwork network = replicas.take();
    try {
      return Scoring.score(network, rows, maxBatch, info.labels().size());
    } finally {
      replicas.add(network);
    }
  }

  /**
   * Turns a share's network probabilities and linear log-odds into {@code scores} by the policy.
   */
  private void finish(Prepared prepared, float[][] out, float[][] scores) {
    int[] share = prepared.share();
    double[][] linearLogits = prepared.linearLogits();
    for (int k = 0; k < share.length; k++) {
      float[] row = out[k];
      double[] linearRow = linearLogits == null ? null : linearLogits[k];
      for (int j = 0; j < row.length; j++) {
        row[j] = policy.score(j, row[j], linearRow == null ? 0 : linearRow[j]);
      }
      scores[share[k]] = row;
    }
  }

  /**
   * Scores texts and decides each: the hot path's one call from texts to verdicts.
   *
   * @param texts any texts, as for {@link #score(List)}
   * @return one verdict per text, in input order, all by this model
   * @throws InterruptedException if interrupted while waiting for a free replica
   */
  public List<Verdict> decide(List<String> texts) throws InterruptedException {
    return decide(texts, EXPLAINED_WORDS);
  }

  /** How many words {@link #decide(List)} gives for each flagged label. */
  public static final int EXPLAINED_WORDS = 5;

  /**
   * Scores texts and decides each, with up to {@code words} words behind each flagged label ({@link
   * Verdict#explanations()}). Only flagged texts are explained, so the cost follows the flag rate.
   *
   * @param texts any texts, as for {@link #score(List)}
   * @param words the most words per flagged label; 0 for none
   * @return one verdict per text, in input order, all by this model
   * @throws InterruptedException if interrupted while waiting for a free replica
   */
  public List<Verdict> decide(List<String> texts, int words) throws InterruptedException {
    float[][] scores = score(texts);
    Verdict[] verdicts = new Verdict[scores.length];
    for (int i = 0; i < scores.length; i++) {
      Verdict v = policy.decide(scores[i]);
      if (words > 0 && linear != null && !v.flagged().isEmpty()) {
        v = v.withExplanations(explain(texts.get(i), v.flagged(), words));
      }
      verdicts[i] = v;
    }
    return Arrays.asList(verdicts);
  }

  /**
   * The words with the largest positive contributions to each label's linear log-odds, a word's
   * occurrences summed. The blended score also has the network's part, which has no such cheap
   * decomposition; the linear part is what a moderator can check against the text.
   */
  private Map<String, List<WordWeight>> explain(String text, List<String> flagged, int words) {
    Vocabulary vocabulary = encoder.vocabulary();
    List<String> tokens =
        encoder.tokenizer().tokenize(text, tokenLimit).stream().map(vocabulary::resolve).toList();
    int[] labels = new int[flagged.size()];
    for (int l = 0; l < labels.length; l++) {
      labels[l] = info.labels().indexOf(flagged.get(l));
    }
    double[][] contributions = linear.tokenContributions(tokens, labels);
    Map<String, List<WordWeight>> out = new LinkedHashMap<>();
    for (int l = 0; l < labels.length; l++) {
      Map<String, Double> byWord = new HashMap<>();
      for (int t = 0; t < tokens.size(); t++) {
        byWord.merge(tokens.get(t), contributions[l][t], Double::sum);
      }
      out.put(
          flagged.get(l),
          byWord.entrySet().stream()
              .filter(e -> e.getValue() > 0)
              .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
              .limit(words)
              .map(e -> new WordWeight(e.getKey(), e.getValue()))
              .toList());
    }
    return out;
  }

  /**
   * Returns the labels whose score reaches the bundle's threshold.
   *
   * @param scores one text's scores, as from {@link #score(List)}
   * @return the flagged label names, in label order (immutable)
   */
  public List<String> flagged(float[] scores) {
    return policy.flagged(scores);
  }

  /**
   * Returns the engine that runs the network.
   *
   * @return the engine
   */
  public InferenceEngine engine() {
    return engine;
  }

  /**
   * Returns the label names, in score order.
   *
   * @return the labels
   */
  public List<String> labels() {
    return info.labels();
  }

  /**
   * Returns the bundle's description (name, version, thresholds, provenance).
   *
   * @return the info
   */
  public BundleInfo info() {
    return info;
  }
}

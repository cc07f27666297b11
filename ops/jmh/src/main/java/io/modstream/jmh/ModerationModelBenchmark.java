package io.modstream.jmh;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelRuntime;
import io.modstream.model.ModerationModel;
import io.modstream.model.Verdict;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole served call, {@link ModerationModel#score(List)}: tokenizing, the linear model, the
 * network on its replicas and calibration, on real comments in calls of {@code batch} (256, the
 * streams app's batch.size, by default; smaller for the calls it makes below saturation). Reported
 * per comment, {@value #COMMENTS} per invocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class ModerationModelBenchmark {

  static final int COMMENTS = 256;

  /** Comments per call: a divisor of {@value #COMMENTS}. */
  @Param({"256"})
  public int batch;

  @Param({"onnx"})
  public String engine;

  @Param({"1", "2"})
  public int replicas;

  /** ONNX graph layouts ({@link EngineOptions.Recurrence}): the default, or the fused only. */
  @Param({"auto", "fused"})
  public String layout;

  private ModerationModel model;
  private List<String> texts;
  private int next;

  @Setup
  public void setUp() {
    ModelRuntime.configureNativeThreads(1);
    if (batch < 1 || COMMENTS % batch != 0) {
      throw new IllegalArgumentException("batch must divide " + COMMENTS + ", got " + batch);
    }
    model =
        ModerationModel.of(
            BenchInputs.bundle(),
            replicas,
            batch,
            InferenceEngine.of(engine),
            EngineOptions.DEFAULT.withRecurrence(EngineOptions.Recurrence.of(layout)));
    texts = BenchInputs.texts();
  }

  @Benchmark
  @OperationsPerInvocation(COMMENTS)
  public float[][] score() throws InterruptedException {
    float[][] last = null;
    for (int i = 0; i < COMMENTS; i += batch) {
      last = model.score(texts.subList(next, next + batch));
      next = (next + batch) % (texts.size() - batch);
    }
    return last;
  }

  /**
   * The scoring processor's whole call: verdicts, their flagged labels, scores by label and the
   * words behind each flagged label (the label event's explanations).
   */
  @Benchmark
  @OperationsPerInvocation(COMMENTS)
  public int events() throws InterruptedException {
    return events(ModerationModel.EXPLAINED_WORDS);
  }

  /** As {@link #events()} without explanations: their cost is the difference of the two. */
  @Benchmark
  @OperationsPerInvocation(COMMENTS)
  public int eventsWithoutExplanations() throws InterruptedException {
    return events(0);
  }

  private int events(int words) throws InterruptedException {
    int sum = 0;
    for (int i = 0; i < COMMENTS; i += batch) {
      for (Verdict v : model.decide(texts.subList(next, next + batch), words)) {
        sum += v.flagged().size() + v.scoresByLabel().size() + v.explanations().size();
      }
      next = (next + batch) % (texts.size() - batch);
    }
    return sum;
  }
}

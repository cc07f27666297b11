package io.modstream.model;

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
 * network on its replicas and calibration, {@value #BATCH} real comments per call as the streams
 * app batches them. Reported per comment.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class ModerationModelBenchmark {

  static final int BATCH = 256;

  @Param({"onnx"})
  public String engine;

  @Param({"1", "2"})
  public int replicas;

  /** ONNX graph layouts ({@code modstream.onnx.recurrence}): the default, or the fused only. */
  @Param({"auto", "fused"})
  public String layout;

  private ModerationModel model;
  private List<String> texts;
  private int next;

  @Setup
  public void setUp() {
    ModelRuntime.configureNativeThreads(1);
    System.setProperty("modstream.onnx.recurrence", layout);
    model = ModerationModel.of(BenchInputs.bundle(), replicas, BATCH, InferenceEngine.of(engine));
    texts = BenchInputs.texts();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public float[][] score() throws InterruptedException {
    List<String> call = texts.subList(next, next + BATCH);
    next = (next + BATCH) % (texts.size() - BATCH);
    return model.score(call);
  }
}

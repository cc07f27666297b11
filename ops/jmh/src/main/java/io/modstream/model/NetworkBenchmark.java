package io.modstream.model;

import io.modstream.model.internal.OnnxNetwork;
import io.modstream.model.internal.Scoring;
import io.modstream.model.internal.ScoringNetwork;
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
 * The network alone on one thread, per engine and batch size: {@value #ROWS} real encoded
 * comments per invocation, length-grouped and padded per batch as served. Reported per comment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class NetworkBenchmark {

  static final int ROWS = 1024;

  /** onnx: the default layouts; onnx-fused, onnx-folded: one graph layout only (OnnxNetwork). */
  @Param({"onnx", "onnx-fused", "onnx-folded", "dl4j"})
  public String engine;

  @Param({"1", "32", "256"})
  public int batch;

  private ScoringNetwork network;
  private int[][] rows;
  private int labels;

  @Setup
  public void setUp() {
    ModelBundle bundle = BenchInputs.bundle();
    ModelRuntime.configureNativeThreads(1);
    String[] engineAndLayout = engine.split("-");
    System.setProperty("modstream.onnx.recurrence", engineAndLayout.length > 1 ? engineAndLayout[1] : "auto");
    network = InferenceEngine.of(engineAndLayout[0]) == InferenceEngine.DL4J
        ? bundle.newNetwork()
        : OnnxNetwork.replica(OnnxNetwork.load(bundle.network(), false));
    TextEncoder encoder = new TextEncoder(Tokenizer.forScheme(bundle.info().tokenizerScheme()), bundle.vocabulary(),
        bundle.info().maxLength());
    List<String> texts = BenchInputs.texts().subList(0, ROWS);
    rows = new int[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      rows[i] = encoder.encode(texts.get(i));
    }
    labels = bundle.info().labels().size();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public float[][] score() {
    return Scoring.score(network, rows, batch, labels);
  }
}

package io.modstream.jmh;

import io.modstream.model.EngineOptions;
import io.modstream.model.InferenceEngine;
import io.modstream.model.ModelBundle;
import io.modstream.model.ModelRuntime;
import io.modstream.model.testing.Engines;
import io.modstream.model.text.TextEncoder;
import io.modstream.model.text.Tokenizer;
import java.util.Arrays;
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
 * The network alone on one thread, per engine and batch size: {@value #ROWS} real encoded comments
 * per invocation, in calls of {@code batch} consecutive comments as the streams app makes them,
 * each call length-grouped and padded as served. Reported per comment. (Until 2026-11-24 all
 * {@value #ROWS} went into one call with {@code batch} as its largest group, so comments were
 * grouped by length across the whole pool: that understated small calls: 189 us per comment at 32
 * that way, 267 now.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class NetworkBenchmark {

  static final int ROWS = 1024;

  /**
   * An engine id (onnx, onnx-cuda, dl4j), optionally with one ONNX graph layout only: onnx-fused,
   * onnx-folded, onnx-cuda-folded (OnnxNetwork); without one, the engine's default layouts.
   */
  @Param({"onnx", "onnx-fused", "onnx-folded", "dl4j"})
  public String engine;

  @Param({"1", "32", "256"})
  public int batch;

  private Engines.Network network;
  private int[][][] calls;

  @Setup
  public void setUp() {
    ModelBundle bundle = BenchInputs.bundle();
    ModelRuntime.configureNativeThreads(1);
    String layout = engine.substring(engine.lastIndexOf('-') + 1);
    boolean oneLayout = layout.equals("fused") || layout.equals("folded");
    InferenceEngine inference =
        InferenceEngine.of(oneLayout ? engine.substring(0, engine.lastIndexOf('-')) : engine);
    EngineOptions options =
        EngineOptions.DEFAULT.withRecurrence(
            oneLayout ? EngineOptions.Recurrence.of(layout) : EngineOptions.Recurrence.AUTO);
    network = Engines.network(bundle, inference, options);
    TextEncoder encoder =
        new TextEncoder(
            Tokenizer.forScheme(bundle.info().tokenizerScheme()),
            bundle.vocabulary(),
            bundle.info().maxLength());
    List<String> texts = BenchInputs.texts().subList(0, ROWS);
    int[][] rows = new int[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      rows[i] = encoder.encode(texts.get(i));
    }
    calls = new int[(ROWS + batch - 1) / batch][][];
    for (int c = 0; c < calls.length; c++) {
      calls[c] = Arrays.copyOfRange(rows, c * batch, Math.min(ROWS, (c + 1) * batch));
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public float[][] score() {
    float[][] last = null;
    for (int[][] call : calls) {
      last = network.score(call, batch);
    }
    return last;
  }
}

package io.modstream.jmh;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.testing.Engines;
import io.modstream.model.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The linear model's logits (n-gram hashing, TF-IDF, six dot products) for one real comment. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LinearModelBenchmark {

  private Engines.Linear linear;
  private List<List<String>> tokens;
  private int next;

  @Setup
  public void setUp() {
    ModelBundle bundle = BenchInputs.bundle();
    linear = Engines.linear(bundle);
    Tokenizer tokenizer = Tokenizer.forScheme(bundle.info().tokenizerScheme());
    tokens = new ArrayList<>();
    for (String text : BenchInputs.texts()) {
      tokens.add(
          tokenizer.tokenize(text, ModerationModel.LINEAR_MAX_TOKENS).stream()
              .map(bundle.vocabulary()::resolve)
              .toList());
    }
  }

  @Benchmark
  public double[] logits() {
    List<String> comment = tokens.get(next);
    next = (next + 1) % tokens.size();
    return linear.logits(comment);
  }
}

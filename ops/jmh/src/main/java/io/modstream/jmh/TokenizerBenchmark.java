package io.modstream.jmh;

import io.modstream.model.ModelBundle;
import io.modstream.model.ModerationModel;
import io.modstream.model.text.TextEncoder;
import io.modstream.model.text.Tokenizer;
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

/** Tokenizing, mask resolution and encoding of one real comment (runs on the stream thread). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenizerBenchmark {

  private TextEncoder encoder;
  private List<String> texts;
  private int next;

  @Setup
  public void setUp() {
    ModelBundle bundle = BenchInputs.bundle();
    encoder =
        new TextEncoder(
            Tokenizer.forScheme(bundle.info().tokenizerScheme()),
            bundle.vocabulary(),
            bundle.info().maxLength());
    texts = BenchInputs.texts();
  }

  @Benchmark
  public List<String> tokenize() {
    return encoder.tokenizer().tokenize(nextText(), ModerationModel.LINEAR_MAX_TOKENS);
  }

  @Benchmark
  public int[] tokenizeResolveEncode() {
    List<String> tokens =
        encoder.tokenizer().tokenize(nextText(), ModerationModel.LINEAR_MAX_TOKENS).stream()
            .map(encoder.vocabulary()::resolve)
            .toList();
    return encoder.encodeResolved(tokens);
  }

  private String nextText() {
    String text = texts.get(next);
    next = (next + 1) % texts.size();
    return text;
  }
}

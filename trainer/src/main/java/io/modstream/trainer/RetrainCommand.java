package io.modstream.trainer;

import io.modstream.model.ModelRuntime;
import io.modstream.trainer.retrain.Retrainer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trainer retrain}: one retraining run on demand (train, gate, release or reject). */
@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Runs one retraining run now: reads all feedback, trains a candidate, compares it with the"
          + " serving",
      "release on the golden set and the canaries, records the decision, and releases it only if it"
          + " passes.",
      "Exit code 0 when released, 3 when rejected."
    })
final class RetrainCommand implements Callable<Integer> {

  @Mixin RetrainOptions options;

  @Override
  public Integer call() throws Exception {
    ModelRuntime.configureNativeThreads(1);
    Retrainer.Decision d;
    try (ConsoleProgress progress = new ConsoleProgress(System.err)) {
      d = options.retrainer().runOnce(progress);
    }
    System.out.println(d.record());
    return d.released() ? 0 : 3;
  }
}

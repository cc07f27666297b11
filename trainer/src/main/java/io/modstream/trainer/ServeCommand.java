package io.modstream.trainer;

import io.modstream.model.ModelRuntime;
import io.modstream.trainer.retrain.FeedbackLog;
import io.modstream.trainer.retrain.Retrainer;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trainer serve}: the long-running retraining service. Watches the feedback topic and
 * runs a retraining run after every {@code --every} new feedback records, or every {@code
 * --every-minutes} when there is any new feedback.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
    description = "Retrains from feedback continuously: on every N new feedback records or every T minutes with new feedback.")
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin RetrainOptions options;

  @Option(names = "--every", description = "Retrain after this many new feedback records; 0 disables.")
  long every = 500;

  @Option(names = "--every-minutes", description = "Retrain this often when there is new feedback; 0 disables.")
  double everyMinutes = 60;

  @Option(names = "--poll-seconds", description = "How often to look for new feedback.")
  int pollSeconds = 10;

  @Override
  public Integer call() throws Exception {
    if (every <= 0 && everyMinutes <= 0) {
      throw new IllegalArgumentException("set --every or --every-minutes (or both) above 0");
    }
    ModelRuntime.configureNativeThreads(1);
    Retrainer retrainer = new Retrainer(options.settings());
    // Feedback the serving champion was not trained on is new, also after a restart.
    long seenAtLastRun = retrainer.championFeedback();
    long lastRun = System.nanoTime();
    LOG.info("watching {} ({} records now, {} used by the serving model); retraining every {} new records or {} minutes"
        + " with new feedback", options.feedbackTopic, FeedbackLog.size(options.bootstrap, options.feedbackTopic),
        seenAtLastRun, every, everyMinutes);
    while (!Thread.currentThread().isInterrupted()) {
      Thread.sleep(pollSeconds * 1000L);
      long size = FeedbackLog.size(options.bootstrap, options.feedbackTopic);
      long fresh = size - seenAtLastRun;
      boolean byCount = every > 0 && fresh >= every;
      boolean byTime = everyMinutes > 0 && fresh > 0 && (System.nanoTime() - lastRun) / 60e9 >= everyMinutes;
      if (byCount || byTime) {
        LOG.info("retraining: {} new feedback records ({})", fresh, byCount ? "count trigger" : "time trigger");
        try (ConsoleProgress progress = new ConsoleProgress(System.err)) {
          Retrainer.Decision d = retrainer.runOnce(progress);
          LOG.info("decision: {}", d.record());
        } catch (Exception e) {
          LOG.error("retraining run failed; will try again on the next trigger: {}", e.toString());
        }
        seenAtLastRun = size;
        lastRun = System.nanoTime();
      }
    }
    return 0;
  }
}

package io.modstream.trainer;

import io.modstream.model.ModelRuntime;
import io.modstream.trainer.retrain.FeedbackLog;
import io.modstream.trainer.retrain.Retrainer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trainer serve}: the long-running retraining service. Watches the feedback topic and runs a
 * retraining run after every {@code --every} new feedback records, or every {@code --every-minutes}
 * when there is any new feedback.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description =
        "Retrains from feedback continuously: on every N new feedback records or every T minutes"
            + " with new feedback.")
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin RetrainOptions options;

  @Option(
      names = "--every",
      description = "Retrain after this many new feedback records; 0 disables.")
  long every = 500;

  @Option(
      names = "--every-minutes",
      description = "Retrain this often when there is new feedback; 0 disables.")
  double everyMinutes = 60;

  @Option(names = "--poll-seconds", description = "How often to look for new feedback.")
  int pollSeconds = 10;

  @Option(
      names = "--cluster-timeout-seconds",
      description =
          "How long a look at the feedback topic waits for the cluster; after that the service logs"
              + " an outage and tries again at the next poll.")
  int clusterTimeoutSeconds = 30;

  @Override
  public Integer call() throws Exception {
    RetrainSchedule.validate(every, everyMinutes);
    if (pollSeconds <= 0 || clusterTimeoutSeconds <= 0) {
      throw new IllegalArgumentException(
          "--poll-seconds and --cluster-timeout-seconds must be above 0");
    }
    ModelRuntime.configureNativeThreads(1);
    Retrainer retrainer = options.retrainer();
    Duration timeout = Duration.ofSeconds(clusterTimeoutSeconds);
    Map<String, Object> connection = options.kafka.connection();
    // Feedback the serving champion was not trained on is new, also after a restart.
    RetrainSchedule schedule =
        new RetrainSchedule(every, everyMinutes, retrainer.championFeedback(), System.nanoTime());
    long size = FeedbackLog.size(connection, options.feedbackTopic, timeout);
    LOG.info(
        "watching {} ({} records now, {} of them new to the serving model); retraining every {} new"
            + " records or {} minutes with new feedback",
        options.feedbackTopic,
        size,
        schedule.fresh(size),
        every,
        everyMinutes);
    Long outageSince = null;
    while (!Thread.currentThread().isInterrupted()) {
      Thread.sleep(pollSeconds * 1000L);
      try {
        size = FeedbackLog.size(connection, options.feedbackTopic, timeout);
      } catch (KafkaException e) {
        // the cluster is away (a broker restart, a network cut): keep waiting, and say so once
        if (outageSince == null) {
          outageSince = System.nanoTime();
          LOG.warn(
              "cannot count the records of {} at {} ({}); retraining waits, trying again every {}"
                  + " s",
              options.feedbackTopic,
              options.kafka.bootstrap,
              e.toString(),
              pollSeconds);
        }
        continue;
      }
      if (outageSince != null) {
        LOG.info(
            "{} answers again, {} s after the outage was logged; {} records in {}",
            options.kafka.bootstrap,
            Math.round((System.nanoTime() - outageSince) / 1e9),
            size,
            options.feedbackTopic);
        outageSince = null;
      }
      String trigger = schedule.due(size, System.nanoTime());
      if (trigger == null) {
        continue;
      }
      LOG.info("retraining: {} new feedback records ({})", schedule.fresh(size), trigger);
      try (ConsoleProgress progress = new ConsoleProgress(System.err)) {
        Retrainer.Decision d = retrainer.runOnce(progress);
        LOG.info("decision: {}", d.record());
        schedule.ran(size, System.nanoTime());
      } catch (Exception e) {
        LOG.error(
            "retraining run failed; its {} records wait for the next trigger ({} more records or {}"
                + " minutes): {}",
            schedule.fresh(size),
            every,
            everyMinutes,
            e.toString());
        schedule.failed(size, System.nanoTime());
      }
    }
    return 0;
  }
}

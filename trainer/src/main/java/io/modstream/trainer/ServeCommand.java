package io.modstream.trainer;

import io.modstream.model.ModelRuntime;
import io.modstream.schemas.LogFormat;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ModelReleases;
import io.modstream.schemas.ServiceEndpoints;
import io.modstream.schemas.ServiceEndpoints.Health;
import io.modstream.trainer.retrain.FeedbackLog;
import io.modstream.trainer.retrain.Retrainer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
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

  @Option(
      names = "--http-port",
      description =
          "Port of GET /metrics, /health/live and /health/ready; 0 picks a free one, -1 runs no"
              + " server and records no metrics.")
  int httpPort = 9401;

  @Option(names = "--http-bind-address", description = "Address the HTTP server listens on.")
  String httpBindAddress = "0.0.0.0";

  /** Why the service is not ready, or null once it is. */
  private volatile String notReady = "starting: connecting to Kafka";

  /** What the ready service does, for the probe's body. */
  private volatile String watching = "";

  /** False once the loop has ended. */
  private volatile boolean looping = true;

  @Override
  public Integer call() throws Exception {
    RetrainSchedule.validate(every, everyMinutes);
    if (pollSeconds <= 0 || clusterTimeoutSeconds <= 0) {
      throw new IllegalArgumentException(
          "--poll-seconds and --cluster-timeout-seconds must be above 0");
    }
    if (httpPort < -1 || httpPort > 65_535) {
      throw new IllegalArgumentException(
          "--http-port must be a port (0 for any free one) or -1 for no server, got " + httpPort);
    }
    try (ServeMetrics metrics = httpPort < 0 ? ServeMetrics.off() : ServeMetrics.prometheus();
        ServiceEndpoints http =
            httpPort < 0
                ? null
                : ServiceEndpoints.start(
                    httpBindAddress,
                    httpPort,
                    metrics::scrape,
                    () ->
                        looping
                            ? Health.up("retraining loop running")
                            : Health.down("the retraining loop has ended"),
                    () -> notReady == null ? Health.up(watching) : Health.down(notReady),
                    "--http-port")) {
      if (http != null) {
        LOG.info(
            "metrics on http://{}:{}{}, health on {} and {}",
            httpBindAddress,
            http.port(),
            ServiceEndpoints.METRICS,
            ServiceEndpoints.LIVE,
            ServiceEndpoints.READY);
      }
      return serve(metrics);
    } finally {
      looping = false;
    }
  }

  /** Learns the serving champion; ready once there is one. */
  private String champion(Map<String, Object> connection) {
    ModelRelease latest =
        ModelReleases.latest(connection, options.releasesTopic, options.modelName);
    if (latest == null) {
      notReady =
          "no release of '"
              + options.modelName
              + "' on "
              + options.releasesTopic
              + " yet; release a first model with 'trainer release'";
      return null;
    }
    watching = "watching " + options.feedbackTopic + "; champion " + latest.getVersion();
    notReady = null;
    return latest.getVersion();
  }

  private int serve(ServeMetrics metrics) throws Exception {
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
    String champion = champion(connection);
    Long outageSince = null;
    while (!Thread.currentThread().isInterrupted()) {
      Thread.sleep(pollSeconds * 1000L);
      try {
        size = FeedbackLog.size(connection, options.feedbackTopic, timeout);
      } catch (KafkaException e) {
        // the cluster is away (a broker restart, a network cut): keep waiting, and say so once
        metrics.skipped();
        if (outageSince == null) {
          notReady = "cannot reach " + options.kafka.bootstrap + ": " + e;
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
        notReady = null;
      }
      if (champion == null) {
        champion = champion(connection);
      }
      String trigger = schedule.due(size, System.nanoTime());
      if (trigger == null) {
        continue;
      }
      LOG.info("retraining: {} new feedback records ({})", schedule.fresh(size), trigger);
      long started = System.nanoTime();
      if (champion != null) {
        MDC.put(LogFormat.MODEL_VERSION, champion);
      }
      try (ConsoleProgress progress = new ConsoleProgress(System.err)) {
        Retrainer.Decision d = retrainer.runOnce(progress);
        LOG.info("decision: {}", d.record());
        metrics.decided(d, System.nanoTime() - started);
        if (d.released()) {
          champion = d.candidateVersion();
          watching = "watching " + options.feedbackTopic + "; champion " + champion;
        }
        schedule.ran(size, System.nanoTime());
      } catch (Exception e) {
        metrics.failed(System.nanoTime() - started);
        LOG.error(
            "retraining run failed; its {} records wait for the next trigger ({} more records or {}"
                + " minutes): {}",
            schedule.fresh(size),
            every,
            everyMinutes,
            e.toString());
        schedule.failed(size, System.nanoTime());
      } finally {
        MDC.remove(LogFormat.MODEL_VERSION);
      }
    }
    return 0;
  }
}

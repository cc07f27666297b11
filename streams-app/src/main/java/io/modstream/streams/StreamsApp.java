package io.modstream.streams;

import io.modstream.model.ModelBundle;
import io.modstream.schemas.ClientSettings;
import io.modstream.schemas.LogFormat;
import io.modstream.schemas.ServiceEndpoints;
import io.modstream.schemas.ServiceEndpoints.Health;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the scoring topology: {@code java -jar streams-app.jar --config FILE}. Only {@code main}
 * calls {@link System#exit}.
 */
@Command(
    name = "streams-app",
    mixinStandardHelpOptions = true,
    description = {
      "Scores comments from Kafka with the configured model bundle and publishes label events."
    },
    subcommands = {StreamsApp.CreateTopics.class, StreamsApp.ConfigReference.class})
public final class StreamsApp implements Callable<Integer> {

  /** Before the first logger: MODSTREAM_LOG_FORMAT picks the SLF4J backend ({@link LogFormat}). */
  private static final String LOG_FORMAT_PROBLEM = LogFormat.selectOrExplain(System.getenv());

  private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file; MODSTREAM_* environment variables override it (see the README's"
              + " configuration reference).")
  Path config;

  @Option(names = "--create-topics", description = "Create missing topics before starting.")
  boolean createTopics;

  /**
   * Runs the app until it is stopped (SIGTERM/Ctrl-C) or fails.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    if (LOG_FORMAT_PROBLEM != null) {
      System.err.println("error: " + LOG_FORMAT_PROBLEM);
      System.exit(2);
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with the app and its subcommands, failures printed as one {@code error:} line.
   *
   * @return the command line
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StreamsApp());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("error: " + e.getMessage());
          LOG.debug("stack trace", e);
          return 1;
        });
    return cli;
  }

  @Override
  public Integer call() throws Exception {
    ScorerConfig cfg = ScorerConfig.load(config, System.getenv());
    int port = cfg.getInt(ScorerConfig.HTTP_PORT);
    try (ScoringMetrics metrics = port < 0 ? ScoringMetrics.off() : ScoringMetrics.prometheus();
        ServiceEndpoints http = port < 0 ? null : endpoints(cfg, metrics, starting)) {
      if (http != null) {
        LOG.info(
            "metrics on http://{}:{}{}, health on {} and {}",
            cfg.getString(ScorerConfig.HTTP_BIND_ADDRESS),
            http.port(),
            ServiceEndpoints.METRICS,
            ServiceEndpoints.LIVE,
            ServiceEndpoints.READY);
      }
      return run(cfg, metrics);
    }
  }

  /** Set once the model is loaded; until then the endpoints answer for a starting instance. */
  private final AtomicReference<ScoringService> starting = new AtomicReference<>();

  private static ServiceEndpoints endpoints(
      ScorerConfig cfg, ScoringMetrics metrics, AtomicReference<ScoringService> service)
      throws IOException {
    return ServiceEndpoints.start(
        cfg.getString(ScorerConfig.HTTP_BIND_ADDRESS),
        cfg.getInt(ScorerConfig.HTTP_PORT),
        metrics::scrape,
        () -> service.get() == null ? Health.up("starting") : service.get().live(),
        () ->
            service.get() == null
                ? Health.down("starting: loading the model")
                : service.get().ready(),
        ScorerConfig.HTTP_PORT + " (" + ScorerConfig.ENV_PREFIX + "HTTP_PORT)");
  }

  private int run(ScorerConfig cfg, ScoringMetrics metrics) throws Exception {
    ScoringService service = new ScoringService(cfg, metrics);
    starting.set(service);
    if (createTopics) {
      TopicSetup.createMissing(cfg, TopicSetup.specs(cfg, service.models().current().labels()), 6);
    }
    LOG.info("topology:\n{}", service.topology().describe());
    KafkaStreams streams = service.streams();
    CountDownLatch done = new CountDownLatch(1);
    int[] exit = {0};
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error(
              "stream thread failed; shutting down (buffered comments stay in the changelog and are"
                  + " scored after a restart)",
              e);
          exit[0] = 1;
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("state {} -> {}", before, now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            done.countDown();
          }
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  done.countDown();
                },
                "streams-app-shutdown"));
    service.start();
    done.await();
    service.close();
    return exit[0];
  }

  /** {@code streams-app create-topics}: creates the pipeline's missing topics and exits. */
  @Command(
      name = "create-topics",
      mixinStandardHelpOptions = true,
      description =
          "Creates the pipeline's topics that do not exist yet (existing ones are left alone).")
  static final class CreateTopics implements Callable<Integer> {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "Properties file (topic names, bootstrap servers, model.path).")
    Path config;

    @Option(
        names = "--partitions",
        description = "Partitions of the comment-keyed topics.",
        defaultValue = "6",
        showDefaultValue = CommandLine.Help.Visibility.ALWAYS)
    int partitions;

    @Option(
        names = ClientSettings.OPTION,
        paramLabel = "FILE",
        description =
            "Kafka client settings (security.protocol, sasl.*, ssl.*) to create the topics with,"
                + " over the --config file's kafka.* ones: on a secured cluster, those of a"
                + " principal allowed to create topics.")
    Path clientConfig;

    @Override
    public Integer call() throws Exception {
      ScorerConfig cfg = ScorerConfig.load(config, System.getenv());
      Map<String, Object> app = ClientConnection.of(cfg);
      Map<String, Object> connection = new HashMap<>(app);
      if (clientConfig != null) {
        String bootstrap = (String) app.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        connection.putAll(ClientSettings.connection(bootstrap, clientConfig));
      }
      String modelPath = cfg.getString(ScorerConfig.MODEL_PATH);
      if (modelPath.isBlank()) {
        throw new IllegalArgumentException(
            "create-topics needs model.path: the per-label topics follow the model's labels");
      }
      List<String> labels = ModelBundle.load(Path.of(modelPath)).info().labels();
      List<String> created =
          TopicSetup.createMissing(connection, cfg, TopicSetup.specs(cfg, labels), partitions);
      System.out.println("created: " + created);
      return 0;
    }
  }

  /** {@code streams-app config-reference}: prints the configuration reference as Markdown. */
  @Command(
      name = "config-reference",
      description = "Prints every configuration key with its default and description (Markdown).")
  static final class ConfigReference implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(ScorerConfig.referenceTable());
      return 0;
    }
  }
}

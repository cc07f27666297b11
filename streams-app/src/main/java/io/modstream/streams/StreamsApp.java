package io.modstream.streams;

import io.modstream.model.ModelBundle;
import io.modstream.schemas.ClientSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
    ScoringService service = new ScoringService(cfg);
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

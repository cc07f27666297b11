package io.modstream.trainer;

import io.modstream.schemas.Topics;
import io.modstream.trainer.console.ConsoleServer;
import io.modstream.trainer.console.ConsoleSettings;
import io.modstream.trainer.console.Users;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trainer console}: the moderators' web console (review queue, a comment's history, models)
 * on the retraining side, reading the pipeline's topics and writing verdicts to the feedback topic.
 */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description =
        "Serves the moderators' console: review flagged comments, see why, send verdicts.",
    subcommands = ConsoleCommand.HashPassword.class)
final class ConsoleCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Option(names = "--host", description = "Address to listen on.")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "Port to listen on; 0 picks a free one.")
  int port = 8088;

  @Option(
      names = "--users",
      paramLabel = "FILE",
      description =
          "Reviewers who may sign in: 'NAME HASH' lines, hashes from 'trainer console"
              + " hash-password'.")
  Path users;

  @Option(
      names = "--proxy-user-header",
      paramLabel = "HEADER",
      description =
          "Instead of --users: the request header a fronting proxy names the signed-in reviewer"
              + " in (only when nothing but the proxy can reach the console).")
  String proxyUserHeader;

  @Option(
      names = "--store",
      paramLabel = "DIR",
      description = "Release store: versions, thresholds, pin and roll back.")
  Path store;

  @Option(
      names = "--decisions",
      paramLabel = "FILE",
      description = "The retraining service's decisions (default: <store>/decisions.jsonl).")
  Path decisions;

  @Option(names = "--model-name", description = "Model name.")
  String modelName = "toxicity-bilstm";

  @Option(
      names = "--uncertainty",
      description = "Queue unflagged comments with a score at most this far below a threshold.")
  double uncertainty = 0.15;

  @Option(names = "--max-comments", description = "Most comments kept in memory.")
  int maxComments = 100_000;

  @Option(names = "--comments-topic", description = "Comments topic.")
  String commentsTopic = Topics.COMMENTS.name();

  @Option(names = "--labels-topic", description = "Label events topic.")
  String labelsTopic = Topics.COMMENT_LABELS.name();

  @Option(names = "--flagged-prefix", description = "Prefix of the per-label topics.")
  String flaggedPrefix = Topics.FLAGGED_PREFIX;

  @Option(names = "--feedback-topic", description = "Feedback topic (read and written).")
  String feedbackTopic = Topics.COMMENT_FEEDBACK.name();

  @Option(names = "--releases-topic", description = "Releases topic.")
  String releasesTopic = Topics.MODEL_RELEASES.name();

  @Override
  public Integer call() throws Exception {
    ConsoleSettings settings =
        new ConsoleSettings(
            kafka.connection(),
            host,
            port,
            users == null ? null : Users.read(users),
            proxyUserHeader,
            new ConsoleSettings.TopicNames(
                commentsTopic, labelsTopic, flaggedPrefix, feedbackTopic, releasesTopic),
            modelName,
            store,
            decisions != null ? decisions : store == null ? null : store.resolve("decisions.jsonl"),
            uncertainty,
            maxComments);
    CountDownLatch stopped = new CountDownLatch(1);
    try (ConsoleServer server = ConsoleServer.start(settings)) {
      System.out.println("moderators' console at " + server.url());
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
    }
    return 0;
  }

  /** {@code trainer console hash-password}: a users-file hash of a password read from stdin. */
  @Command(
      name = "hash-password",
      mixinStandardHelpOptions = true,
      description =
          "Reads a password (from the terminal, or the first line of stdin) and prints its hash"
              + " for the --users file.")
  static final class HashPassword implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      char[] password;
      Console terminal = System.console();
      if (terminal != null) {
        password = terminal.readPassword("password: ");
      } else {
        String line =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? new char[0] : line.toCharArray();
      }
      if (password == null || password.length == 0) {
        throw new IllegalArgumentException("give a non-empty password on stdin");
      }
      System.out.println(Users.hash(password));
      return 0;
    }
  }
}

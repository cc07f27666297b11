package io.modstream.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Option;

/**
 * The Kafka options every tool shares ({@code --bootstrap}, {@code --connect-timeout}): which
 * broker to use, and a short check that it answers before the tool starts its work. Without {@code
 * --bootstrap} a tool follows the local stack: {@code ops/run-local} records its broker's address
 * as {@code bootstrap.servers} in {@value #STACK_FILE} in its state directory while it runs.
 */
public final class BrokerOptions {

  /** The bootstrap used when neither {@code --bootstrap} nor a local stack names one. */
  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  /** The file in the local stack's state directory that names its broker. */
  static final String STACK_FILE = "stack.properties";

  /** The system property naming the local stack's state directory (set by the ops/ wrappers). */
  static final String LOCAL_DIR_PROPERTY = "modstream.local.dir";

  /** The environment variable naming it, as for {@code ops/run-local}. */
  static final String LOCAL_DIR_ENV = "MODSTREAM_LOCAL_DIR";

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = {
        "Kafka bootstrap servers. Default: the broker of the local stack ops/run-local runs"
            + " (bootstrap.servers in "
            + STACK_FILE
            + " in its state directory: -D"
            + LOCAL_DIR_PROPERTY
            + ", else $"
            + LOCAL_DIR_ENV
            + ", else ./.local; the ops/ wrappers pass $"
            + LOCAL_DIR_ENV
            + " or the repository's .local), else "
            + DEFAULT_BOOTSTRAP
            + "."
      })
  String bootstrap;

  @Option(
      names = "--connect-timeout",
      paramLabel = "SECONDS",
      description = "Stop with an error when no broker answers within this many seconds.")
  int connectTimeout = 5;

  /**
   * A chosen bootstrap and where it came from, for the log line and the error message.
   *
   * @param servers the bootstrap servers
   * @param origin where they came from, in words
   * @param fallback whether they are the default, for want of a local stack
   */
  record Choice(String servers, String origin, boolean fallback) {}

  /**
   * Chooses the bootstrap (see {@link #choose}), says which on stderr, and checks a broker answers
   * there within {@code --connect-timeout}.
   *
   * @return the bootstrap servers to give the tool's clients
   * @throws IOException if the local stack's file cannot be read
   * @throws IllegalStateException if no broker answers in time; its message names the fixes
   */
  String connect() throws IOException {
    if (connectTimeout < 1) {
      throw new IllegalArgumentException(
          "--connect-timeout must be at least 1 second, got " + connectTimeout);
    }
    Path localDir = localDir();
    Choice choice = choose(bootstrap, localDir);
    System.err.println("using Kafka at " + choice.servers() + " (" + choice.origin() + ")");
    awaitBroker(choice, localDir.resolve(STACK_FILE), Duration.ofSeconds(connectTimeout));
    return choice.servers();
  }

  /**
   * The local stack's state directory: {@code -Dmodstream.local.dir}, else {@code
   * $MODSTREAM_LOCAL_DIR}, else {@code .local} in the working directory.
   *
   * @return the directory (it need not exist)
   */
  static Path localDir() {
    String dir = System.getProperty(LOCAL_DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(LOCAL_DIR_ENV);
    }
    return Path.of(dir == null || dir.isBlank() ? ".local" : dir);
  }

  /**
   * Chooses the bootstrap: {@code option} when given, else {@code bootstrap.servers} from the local
   * stack's {@value #STACK_FILE} in {@code localDir} when it exists, else {@value
   * #DEFAULT_BOOTSTRAP}.
   *
   * @param option the {@code --bootstrap} value, or null
   * @param localDir the local stack's state directory
   * @return the choice and its origin
   * @throws IOException if the stack's file exists but cannot be read
   * @throws IllegalArgumentException if the stack's file names no bootstrap.servers
   */
  static Choice choose(String option, Path localDir) throws IOException {
    if (option != null) {
      return new Choice(option, "--bootstrap", false);
    }
    Path file = localDir.resolve(STACK_FILE);
    if (!Files.isRegularFile(file)) {
      return new Choice(DEFAULT_BOOTSTRAP, "the default: no local stack recorded in " + file, true);
    }
    String servers = load(file).getProperty("bootstrap.servers", "").strip();
    if (servers.isEmpty()) {
      throw new IllegalArgumentException(
          file + " has no bootstrap.servers line: restart ops/run-local, or pass --bootstrap");
    }
    return new Choice(servers, "from " + file, false);
  }

  /**
   * Returns a setting of the running local stack ({@value #STACK_FILE} in {@link #localDir()}).
   *
   * @param key for example {@code registry.url}
   * @return the value, or null when no stack is recorded or it has no such setting
   * @throws IOException if the stack's file exists but cannot be read
   */
  static String stackSetting(String key) throws IOException {
    Path file = localDir().resolve(STACK_FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String value = load(file).getProperty(key, "").strip();
    return value.isEmpty() ? null : value;
  }

  private static Properties load(Path stackFile) throws IOException {
    Properties stack = new Properties();
    try (Reader in = Files.newBufferedReader(stackFile, StandardCharsets.UTF_8)) {
      stack.load(in);
    }
    return stack;
  }

  /**
   * Returns once a broker at the chosen bootstrap answers a cluster description, or throws with the
   * fixes. The check's own client logs a connection warning at every retry while nothing answers;
   * it runs with System.err muted (slf4j-simple looks System.err up at each line) and its outcome
   * is this one message instead.
   */
  private static void awaitBroker(Choice choice, Path stackFile, Duration timeout) {
    int ms = Math.toIntExact(timeout.toMillis());
    Map<String, Object> settings =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            choice.servers(),
            AdminClientConfig.CLIENT_ID_CONFIG,
            "modstream-tools-check",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            ms,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            ms);
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
    Throwable failure = null;
    try (Admin admin = Admin.create(settings)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(ms))
          .clusterId()
          .get(ms + 1000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (TimeoutException | KafkaException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } finally {
      System.setErr(err);
    }
    if (failure != null) {
      throw new IllegalStateException(unreachable(choice, stackFile, timeout, failure), failure);
    }
  }

  private static String unreachable(
      Choice choice, Path stackFile, Duration timeout, Throwable failure) {
    // A timeout is the usual case (nothing listens); anything else (an unresolvable host, a
    // refused handshake) is worth naming.
    boolean timedOut =
        failure instanceof TimeoutException
            || failure instanceof org.apache.kafka.common.errors.TimeoutException;
    return "no Kafka broker answers at "
        + choice.servers()
        + (choice.fallback() ? "" : " (" + choice.origin() + ")")
        + " within "
        + timeout.toSeconds()
        + " s"
        + (timedOut ? "" : " (" + rootCause(failure).getMessage() + ")")
        + ": start the stack with ops/run-local (it records its address in "
        + stackFile
        + ") or pass --bootstrap HOST:PORT";
  }

  private static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}

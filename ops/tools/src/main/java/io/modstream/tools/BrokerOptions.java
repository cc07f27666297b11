package io.modstream.tools;

import io.modstream.schemas.ClientSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine.Option;

/**
 * The Kafka options every tool shares ({@code --bootstrap}, {@code --client-config}, {@code
 * --connect-timeout}): which broker to use and how to connect to it, and a short check that it
 * answers before the tool starts its work. Without {@code --bootstrap} a tool follows the local
 * stack: {@code ops/run-local} records its broker's address as {@code bootstrap.servers} in {@value
 * #STACK_FILE} in its state directory while it runs, and, for a secured stack, the client config
 * file of the principal each kind of tool connects as ({@code client.config.produce}, {@code
 * client.config.read}).
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

  /** The environment variable that gives {@code --client-config} when the option is not given. */
  static final String CLIENT_CONFIG_ENV = ClientSettings.ENV;

  /**
   * What a tool does on the cluster, which picks the principal it follows a secured local stack as
   * ({@code client.config.<access>} in {@value #STACK_FILE}).
   */
  enum Access {
    /** Publishes comments or verdicts (the producer principal). */
    PRODUCE,
    /** Reads label events and other topics (a principal that may read them). */
    READ;

    String stackKey() {
      return "client.config." + name().toLowerCase(Locale.ROOT);
    }
  }

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
      names = ClientSettings.OPTION,
      paramLabel = "FILE",
      defaultValue = "${env:" + CLIENT_CONFIG_ENV + "}",
      description = {
        "Kafka client settings for a secured cluster (security.protocol, sasl.*, ssl.*), a"
            + " properties file as Kafka's own tools take; every key reaches every client."
            + " Default: $"
            + CLIENT_CONFIG_ENV
            + ", else, when following a secured local stack, the file it records for this tool."
      })
  Path clientConfig;

  @Option(
      names = "--connect-timeout",
      paramLabel = "SECONDS",
      description =
          "Stop with an error when no broker answers within this many seconds. Default: 5, or 30"
              + " with client settings (a TLS and SASL handshake from a cold JVM on a busy machine"
              + " takes longer).")
  Integer connectTimeout;

  /**
   * A chosen bootstrap and where it came from, for the log line and the error message.
   *
   * @param servers the bootstrap servers
   * @param origin where they came from, in words
   * @param fallback whether they are the default, for want of a local stack
   * @param fromStack whether they are the local stack's
   */
  record Choice(String servers, String origin, boolean fallback, boolean fromStack) {}

  /**
   * Chooses the bootstrap (see {@link #choose}) and the client settings (see {@link
   * #clientConfig}), says which on stderr, and checks a broker answers there within {@code
   * --connect-timeout}.
   *
   * @param access what the tool does, which picks a secured local stack's principal
   * @return the connection settings to give the tool's clients: {@code bootstrap.servers} and the
   *     client config file's settings
   * @throws IOException if the local stack's file or the client config file cannot be read
   * @throws IllegalArgumentException if the client config file does not exist
   * @throws IllegalStateException if no broker answers in time; its message names the fixes
   */
  Map<String, Object> connect(Access access) throws IOException {
    if (connectTimeout != null && connectTimeout < 1) {
      throw new IllegalArgumentException(
          "--connect-timeout must be at least 1 second, got " + connectTimeout);
    }
    Path localDir = localDir();
    Choice choice = choose(bootstrap, localDir);
    Path file = clientConfig(clientConfig, choice, localDir, access);
    int timeout = connectTimeout != null ? connectTimeout : file == null ? 5 : 30;
    System.err.println(
        "using Kafka at "
            + choice.servers()
            + " ("
            + choice.origin()
            + ")"
            + (file == null ? "" : " with the client settings of " + file));
    Map<String, Object> connection = ClientSettings.connection(choice.servers(), file);
    awaitBroker(choice, connection, localDir.resolve(STACK_FILE), Duration.ofSeconds(timeout));
    return connection;
  }

  /**
   * Chooses the client config file: {@code option} (the option or its environment variable) when
   * given, else, when the bootstrap is the local stack's, the file its {@value #STACK_FILE} records
   * for {@code access}, else none.
   *
   * @param option the {@code --client-config} value, or null
   * @param choice the chosen bootstrap
   * @param localDir the local stack's state directory
   * @param access what the tool does
   * @return the file, or null for a cluster that needs no client settings
   * @throws IOException if the stack's file cannot be read
   */
  static Path clientConfig(Path option, Choice choice, Path localDir, Access access)
      throws IOException {
    if (option != null && !option.toString().isBlank()) {
      return option;
    }
    if (!choice.fromStack()) {
      return null;
    }
    String recorded = load(localDir.resolve(STACK_FILE)).getProperty(access.stackKey(), "").strip();
    return recorded.isEmpty() ? null : Path.of(recorded);
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
      return new Choice(option, "--bootstrap", false, false);
    }
    Path file = localDir.resolve(STACK_FILE);
    if (!Files.isRegularFile(file)) {
      return new Choice(
          DEFAULT_BOOTSTRAP, "the default: no local stack recorded in " + file, true, false);
    }
    String servers = load(file).getProperty("bootstrap.servers", "").strip();
    if (servers.isEmpty()) {
      throw new IllegalArgumentException(
          file + " has no bootstrap.servers line: restart ops/run-local, or pass --bootstrap");
    }
    return new Choice(servers, "from " + file, false, true);
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
  private static void awaitBroker(
      Choice choice, Map<String, Object> connection, Path stackFile, Duration timeout) {
    int ms = Math.toIntExact(timeout.toMillis());
    Map<String, Object> settings = new HashMap<>(connection);
    settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "modstream-tools-check");
    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
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
      if (rootCause(failure) instanceof AuthenticationException refused) {
        throw new IllegalStateException(
            "the broker at "
                + choice.servers()
                + " refused this client's credentials ("
                + refused.getMessage()
                + "): check the sasl.* and ssl.* settings of --client-config (or $"
                + CLIENT_CONFIG_ENV
                + ")",
            failure);
      }
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

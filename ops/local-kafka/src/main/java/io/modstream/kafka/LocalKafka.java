package io.modstream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), run from
 * the {@code kafka_2.13} jars on the class path in a child JVM. It listens on 127.0.0.1 only, keeps
 * its data in a directory it owns, formats that directory on first start and stops with a
 * controlled shutdown. Used where no Docker engine is available: the local stack and the
 * integration tests.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final Process process;
  private final BrokerSecurity security;

  private LocalKafka(
      Path dataDir, int port, int controllerPort, Process process, BrokerSecurity security) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.process = process;
    this.security = security;
  }

  /**
   * Starts a broker and waits until it answers.
   *
   * @param dataDir the broker's own directory (created; formatted if new)
   * @param port the client port on 127.0.0.1, or 0 for a free one
   * @param heap the broker JVM's maximum heap, for example {@code 512m}
   * @return the running broker
   * @throws IOException if it cannot be formatted or started, with the broker's output
   */
  public static LocalKafka start(Path dataDir, int port, String heap) throws IOException {
    return start(dataDir, port, heap, null);
  }

  /**
   * Starts a secured broker and waits until it answers: clients connect over SASL_SSL with
   * SCRAM-SHA-512 (a self-signed certificate for localhost and 127.0.0.1, generated on first
   * start), and the StandardAuthorizer denies everything no ACL allows. The super user {@value
   * BrokerSecurity#ADMIN} has a password generated on first start; the other users are created when
   * the directory is formatted, so a restarted broker keeps the users it was first given.
   *
   * @param dataDir the broker's own directory (created; formatted if new)
   * @param port the client port on 127.0.0.1, or 0 for a free one
   * @param heap the broker JVM's maximum heap, for example {@code 512m}
   * @param users SCRAM users to create, name to password; they have no ACLs yet
   * @return the running broker
   * @throws IOException if it cannot be formatted or started, or its keys cannot be made
   */
  public static LocalKafka startSecured(
      Path dataDir, int port, String heap, Map<String, String> users) throws IOException {
    Files.createDirectories(dataDir);
    return start(dataDir, port, heap, BrokerSecurity.create(dataDir.toAbsolutePath(), users));
  }

  private static LocalKafka start(Path dataDir, int port, String heap, BrokerSecurity security)
      throws IOException {
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    Path logDir = dir.resolve("log");
    Path config = dir.resolve("server.properties");
    // A restarted broker keeps its ports, so clients and its own quorum config stay valid.
    Properties previous = new Properties();
    if (Files.exists(config)) {
      try (var in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        previous.load(in);
      }
    }
    String listener = security == null ? "PLAINTEXT" : BrokerSecurity.LISTENER;
    int clientPort = port != 0 ? port : previousPort(previous, listener);
    int controllerPort = previousPort(previous, "CONTROLLER");
    Properties p =
        config(logDir, clientPort, controllerPort, 1, "1@127.0.0.1:" + controllerPort, 1);
    if (security != null) {
      security.secure(p, clientPort);
    }
    store(p, config);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(
          config,
          logDir,
          Uuid.randomUuid().toString(),
          security == null ? List.of() : security.scramArguments());
    }
    Path output = dir.resolve("broker.log");
    Process process = launch(config, output, heap);
    LocalKafka kafka = new LocalKafka(dir, clientPort, controllerPort, process, security);
    try {
      kafka.awaitReady(output);
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /** The SLF4J provider of log4j 2, chosen explicitly when a class path holds more than one. */
  static final String LOG4J_PROVIDER = "org.apache.logging.slf4j.SLF4JServiceProvider";

  /**
   * Starts a node's JVM on its configuration, its output appended to {@code output}: the broker's
   * log through log4j 2 (a {@code log4j2.properties} written beside the configuration) where its
   * SLF4J binding is on the class path, else through the class path's own SLF4J backend.
   */
  static Process launch(Path config, Path output, String heap) throws IOException {
    Path log4j = config.resolveSibling("log4j2.properties");
    writeLog4jConfig(log4j);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseParallelGC");
    if (hasLog4jBinding()) {
      command.add("-Dslf4j.provider=" + LOG4J_PROVIDER);
    }
    command.add("-Dlog4j2.configurationFile=" + log4j);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("kafka.Kafka");
    command.add(config.toString());
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start();
  }

  static boolean hasLog4jBinding() {
    try {
      Class.forName(LOG4J_PROVIDER, false, LocalKafka.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * The broker's log at INFO on its standard output (the node's broker.log), as Kafka's own
   * distribution logs, less its configuration dump of several hundred lines at every start.
   */
  private static void writeLog4jConfig(Path file) throws IOException {
    String text =
        String.join(
            "\n",
            "# written by modstream LocalKafka; rewritten on every start",
            "status = warn",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.out.ref = out",
            "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
            "logger.config.level = WARN",
            "logger.request.name = kafka.request.logger",
            "logger.request.level = WARN",
            "");
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /**
   * Returns the bootstrap address for clients.
   *
   * @return {@code 127.0.0.1:<port>}
   */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * Returns the client settings that connect as a user of a secured broker: {@code
   * security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} and the {@code
   * ssl.truststore.*} keys, without the bootstrap servers. Empty for a plaintext broker.
   *
   * @param user the SCRAM user
   * @param password its password
   * @return the settings, for any Kafka client (prefixed with {@code kafka.} for the streams app)
   */
  public Map<String, String> clientSettings(String user, String password) {
    return security == null ? Map.of() : security.clientSettings(user, password);
  }

  /**
   * Returns the client settings of the super user, who may create topics and ACLs: see {@link
   * #clientSettings}.
   *
   * @return the settings; empty for a plaintext broker
   */
  public Map<String, String> adminSettings() {
    return security == null ? Map.of() : security.adminSettings();
  }

  /**
   * Returns the broker's directory.
   *
   * @return the data directory
   */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Returns whether the broker process is alive.
   *
   * @return true while running
   */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the broker with a controlled shutdown, or kills it after 30 seconds. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(Path output) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
    props.putAll(adminSettings());
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "the Kafka broker exited with code "
                + process.exitValue()
                + " during start; its output:\n"
                + tail(output));
      }
      if (portOpen()) {
        try (Admin admin = Admin.create(props)) {
          admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          // not ready yet
        }
      }
      sleep(100);
    }
    throw new IOException(
        "the Kafka broker did not answer on "
            + bootstrapServers()
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s; its output:\n"
            + tail(output));
  }

  private boolean portOpen() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes one combined broker and controller's configuration.
   *
   * @param nodeId the node's id in the quorum
   * @param voters the quorum, {@code id@host:controllerPort,...}
   * @param replicas replicas of the broker's internal topics (offsets, transactions): the cluster's
   *     size up to 3, with at least two in sync where there are three
   */
  static void writeConfig(
      Path config,
      Path logDir,
      int port,
      int controllerPort,
      int nodeId,
      String voters,
      int replicas)
      throws IOException {
    store(config(logDir, port, controllerPort, nodeId, voters, replicas), config);
  }

  private static Properties config(
      Path logDir, int port, int controllerPort, int nodeId, String voters, int replicas) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    String rf = Integer.toString(replicas);
    String minIsr = replicas >= 3 ? "2" : "1";
    p.put("offsets.topic.replication.factor", rf);
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", rf);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", rf);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.retention.hours", "24");
    return p;
  }

  private static void store(Properties p, Path config) throws IOException {
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      p.store(w, "written by modstream LocalKafka; rewritten on every start");
    }
  }

  /** Formats a node's log directory for a cluster id, which every node of a cluster shares. */
  static void format(Path config, Path logDir, String clusterId) throws IOException {
    format(config, logDir, clusterId, List.of());
  }

  private static void format(Path config, Path logDir, String clusterId, List<String> extra)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    List<String> args =
        new ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString()));
    args.addAll(extra);
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      code = kafka.tools.StorageTool.execute(args.toArray(String[]::new), ps);
    } catch (RuntimeException e) {
      throw new IOException("formatting " + logDir + " failed: " + e.getMessage(), e);
    }
    if (code != 0) {
      throw new IOException(
          "formatting "
              + logDir
              + " failed (exit "
              + code
              + "): "
              + out.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * What a node's log says about a failure: its ERROR and FATAL lines with their exceptions (the
   * cause of a failed start, such as a port already in use, comes before the shutdown's lines),
   * then its last lines.
   */
  static String tail(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
    List<String> errors = new ArrayList<>();
    boolean inError = false;
    for (String line : lines) {
      if (line.startsWith("[")) {
        inError = line.contains("] ERROR ") || line.contains("] FATAL ");
      }
      // an error line, and its exception's message lines, not its stack frames
      if (inError && !line.startsWith("\tat ") && !line.startsWith("\t...")) {
        errors.add(line);
      }
    }
    List<String> last = lines.subList(Math.max(0, lines.size() - 30), lines.size());
    String out = String.join("\n", last);
    if (!errors.isEmpty()) {
      out =
          "errors:\n"
              + String.join("\n", errors.subList(0, Math.min(30, errors.size())))
              + "\nlast lines:\n"
              + out;
    }
    return out;
  }

  @SuppressWarnings("try") // the socket is opened only to test that the port is free
  static int previousPort(Properties previous, String listener) throws IOException {
    String listeners = previous.getProperty("listeners", "");
    for (String l : listeners.split(",")) {
      if (l.startsWith(listener + "://")) {
        int port = Integer.parseInt(l.substring(l.lastIndexOf(':') + 1));
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException busy) {
          break;
        }
      }
    }
    return freePort();
  }

  /**
   * A loopback port nothing listens on: it was free a moment ago, so a caller binds it soon.
   *
   * @return the port
   * @throws IOException if no port can be opened
   */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }
}

package io.modstream.chaos;

import io.modstream.kafka.LocalKafka;
import io.modstream.kafka.LocalKafkaCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One scenario's stack on 127.0.0.1: one broker or a three-node cluster (ops/local-kafka), and
 * instances of the packaged streams app, each its own JVM. Everything it starts it stops on close.
 */
final class Stack implements Stoppable {

  static final String BROKER_HEAP = "384m";
  static final String APP_HEAP = "-Xmx512m";

  private final Path dir;
  private final Options options;
  private final Path model;
  private LocalKafka single;
  private final LocalKafkaCluster cluster;
  private final List<App> apps = new ArrayList<>();

  /** An instance keeps its port across restarts, as a pod keeps its container port. */
  private final Map<String, Integer> httpPorts = new HashMap<>();

  /** A running instance of the app. */
  record App(String instance, Path config, Path log, Process process) {}

  private Stack(
      Path dir, Options options, Path model, LocalKafka single, LocalKafkaCluster cluster) {
    this.dir = dir;
    this.options = options;
    this.model = model;
    this.single = single;
    this.cluster = cluster;
  }

  /** One broker; its log directory on {@code logMount} first, when not null (a tmpfs). */
  static Stack oneBroker(Path dir, Options options, Path model, Disk disk) throws IOException {
    Path brokerDir = dir.resolve("broker");
    Files.createDirectories(brokerDir);
    if (disk != null) {
      disk.mount(brokerDir.resolve("log"));
    }
    return new Stack(dir, options, model, LocalKafka.start(brokerDir, 0, BROKER_HEAP), null);
  }

  static Stack threeBrokers(Path dir, Options options, Path model) throws IOException {
    return new Stack(
        dir, options, model, null, LocalKafkaCluster.start(dir.resolve("cluster"), 3, BROKER_HEAP));
  }

  String bootstrap() {
    return single != null ? single.bootstrapServers() : cluster.bootstrapServers();
  }

  Path dir() {
    return dir;
  }

  /** The node's directory: {@code broker} alone, else {@code cluster/node-N}. */
  Path brokerDir(int node) {
    return single != null ? dir.resolve("broker") : dir.resolve("cluster").resolve("node-" + node);
  }

  /**
   * Kills a broker at once (SIGKILL): no controlled shutdown.
   *
   * @param node 1 for the single broker, else the node id
   */
  void killBroker(int node) throws InterruptedException {
    if (single != null) {
      Optional<ProcessHandle> p = brokerProcess(node);
      if (p.isPresent()) {
        p.get().destroyForcibly();
        p.get().onExit().orTimeout(10, TimeUnit.SECONDS).join();
      }
    } else {
      cluster.kill(node);
    }
  }

  /** Starts a killed broker again on its data and ports, and waits until it answers. */
  void restartBroker(int node) throws IOException {
    if (single != null) {
      if (!single.isRunning()) {
        single = LocalKafka.start(dir.resolve("broker"), 0, BROKER_HEAP);
      }
    } else {
      cluster.restart(node);
    }
  }

  boolean brokerRunning(int node) {
    return single != null ? single.isRunning() : cluster.isRunning(node);
  }

  /** The broker JVM of a node, found by its configuration file on its command line. */
  Optional<ProcessHandle> brokerProcess(int node) {
    String config = brokerDir(node).resolve("server.properties").toString();
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(config)).orElse(false))
        .findFirst();
  }

  /** The client and controller ports of a node, from its configuration. */
  List<Integer> brokerPorts(int node) throws IOException {
    Properties p = new Properties();
    try (var in =
        Files.newBufferedReader(
            brokerDir(node).resolve("server.properties"), StandardCharsets.UTF_8)) {
      p.load(in);
    }
    List<Integer> ports = new ArrayList<>();
    for (String listener : p.getProperty("listeners").split(",")) {
      ports.add(Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1)));
    }
    return ports;
  }

  /**
   * The app's settings for this stack: the served model, a state directory per instance, static
   * membership, releases followed, and a port per instance for its endpoints, as instances share
   * this host.
   */
  Map<String, String> appSettings(String instance) throws IOException {
    Map<String, String> s = new TreeMap<>();
    s.put("bootstrap.servers", bootstrap());
    s.put("application.id", "modstream-chaos");
    s.put("model.path", model.toString());
    s.put("model.name", "tiny");
    s.put("state.dir", dir.resolve("state-" + instance).toString());
    s.put("instance.id", "chaos-" + instance);
    s.put("batch.size", "32");
    s.put("batch.max.wait.ms", "200");
    Integer port = httpPorts.get(instance);
    if (port == null) {
      port = LocalKafka.freePort();
      httpPorts.put(instance, port);
    }
    s.put("http.port", port.toString());
    return s;
  }

  /** Creates the app's topics with its own rules (the jar's create-topics command). */
  void createTopics() throws IOException, InterruptedException {
    Path config = writeConfig("topics", appSettings("topics"));
    Process p =
        new ProcessBuilder(
                java(),
                "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-jar",
                options.appJar().toString(),
                "create-topics",
                "--config",
                config.toString(),
                "--partitions",
                "6")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("create-topics.log").toFile())
            .start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("create-topics failed; see " + dir.resolve("create-topics.log"));
    }
  }

  /** Starts an instance of the app (its own JVM, from the packaged jar). */
  App startApp(String instance, Map<String, String> extra) throws IOException {
    Map<String, String> settings = appSettings(instance);
    settings.putAll(extra);
    Path config = writeConfig("app-" + instance, settings);
    Path log = dir.resolve("app-" + instance + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
            java(),
            APP_HEAP,
            "-XX:+UseParallelGC",
            "-jar",
            options.appJar().toString(),
            "--config",
            config.toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p =
        pb.redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    App app = new App(instance, config, log, p);
    apps.add(app);
    return app;
  }

  /** Kills an instance at once (SIGKILL), as a crash. */
  void killApp(App app) throws InterruptedException {
    app.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  private Path writeConfig(String name, Map<String, String> settings) throws IOException {
    StringBuilder text = new StringBuilder();
    settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path file = dir.resolve(name + ".properties");
    Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Stops the apps (SIGTERM, then SIGKILL after 20 s) and the brokers. */
  @Override
  public void close() {
    for (App app : apps) {
      app.process().destroy();
    }
    for (App app : apps) {
      try {
        if (!app.process().waitFor(20, TimeUnit.SECONDS)) {
          app.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        app.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (single != null) {
      single.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}

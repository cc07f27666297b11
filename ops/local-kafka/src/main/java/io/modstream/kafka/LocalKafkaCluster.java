package io.modstream.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;

/**
 * A real multi-node Apache Kafka cluster in KRaft mode on 127.0.0.1: every node a combined broker
 * and controller in its own JVM, one quorum, the broker's internal topics replicated to three nodes
 * with two in sync. Nodes can be killed ({@code kill -9}) and started again on their own data and
 * ports, for the fault tests. Used where no Docker engine is available.
 */
public final class LocalKafkaCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path dir;
  private final String heap;
  private final int[] ports;
  private final Process[] processes;

  private LocalKafkaCluster(Path dir, String heap, int[] ports, Process[] processes) {
    this.dir = dir;
    this.heap = heap;
    this.ports = ports;
    this.processes = processes;
  }

  /**
   * Starts a cluster and waits until every node is a live broker.
   *
   * @param dataDir the cluster's directory, one subdirectory per node (formatted if new)
   * @param nodes how many nodes, at least 2
   * @param heap each node's maximum heap, for example {@code 384m}
   * @return the running cluster
   * @throws IOException if a node cannot be formatted or started, with its output
   */
  public static LocalKafkaCluster start(Path dataDir, int nodes, String heap) throws IOException {
    if (nodes < 2) {
      throw new IllegalArgumentException("a cluster needs at least 2 nodes, got " + nodes);
    }
    Path dir = dataDir.toAbsolutePath();
    int[] ports = new int[nodes];
    int[] controllerPorts = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      Properties previous = previous(node(dir, i + 1).resolve("server.properties"));
      ports[i] = LocalKafka.previousPort(previous, "PLAINTEXT");
      controllerPorts[i] = LocalKafka.previousPort(previous, "CONTROLLER");
    }
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
    }
    // A node formatted before keeps its cluster id; the others must join with the same.
    String clusterId = null;
    for (int i = 0; i < nodes && clusterId == null; i++) {
      clusterId =
          previous(node(dir, i + 1).resolve("log").resolve("meta.properties"))
              .getProperty("cluster.id");
    }
    if (clusterId == null) {
      clusterId = Uuid.randomUuid().toString();
    }
    for (int i = 0; i < nodes; i++) {
      Path node = node(dir, i + 1);
      Files.createDirectories(node);
      Path logDir = node.resolve("log");
      Path config = node.resolve("server.properties");
      LocalKafka.writeConfig(
          config,
          logDir,
          ports[i],
          controllerPorts[i],
          i + 1,
          String.join(",", voters),
          Math.min(3, nodes));
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        LocalKafka.format(config, logDir, clusterId);
      }
    }
    LocalKafkaCluster cluster = new LocalKafkaCluster(dir, heap, ports, new Process[nodes]);
    try {
      for (int id = 1; id <= nodes; id++) {
        cluster.launch(id);
      }
      cluster.awaitBrokers(nodes);
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Returns the bootstrap addresses of every node.
   *
   * @return {@code 127.0.0.1:<port>,...}
   */
  public String bootstrapServers() {
    List<String> all = new ArrayList<>();
    for (int port : ports) {
      all.add("127.0.0.1:" + port);
    }
    return String.join(",", all);
  }

  /**
   * Returns how many nodes the cluster has.
   *
   * @return the node count
   */
  public int size() {
    return ports.length;
  }

  /**
   * Returns whether a node's process is alive.
   *
   * @param id the node id, 1 to {@link #size()}
   * @return true while it runs
   */
  public boolean isRunning(int id) {
    Process p = processes[id - 1];
    return p != null && p.isAlive();
  }

  /**
   * Kills one node at once, as {@code kill -9} would: no controlled shutdown.
   *
   * @param id the node id, 1 to {@link #size()}
   * @throws InterruptedException if interrupted while waiting for it to die
   */
  public void kill(int id) throws InterruptedException {
    Process p = processes[id - 1];
    if (p != null && p.isAlive()) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Starts a killed or stopped node again on its data and ports, and waits until every node is a
   * live broker.
   *
   * @param id the node id
   * @throws IOException if it does not come back, with its output
   */
  public void restart(int id) throws IOException {
    if (processes[id - 1] != null && processes[id - 1].isAlive()) {
      return;
    }
    launch(id);
    awaitBrokers(ports.length);
  }

  private void launch(int id) throws IOException {
    Path node = node(dir, id);
    processes[id - 1] =
        LocalKafka.launch(node.resolve("server.properties"), node.resolve("broker.log"), heap);
  }

  private void awaitBrokers(int expected) throws IOException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < processes.length; i++) {
        if (processes[i] != null && !processes[i].isAlive()) {
          throw new IOException(
              "Kafka node "
                  + (i + 1)
                  + " exited with code "
                  + processes[i].exitValue()
                  + " during start; its output:\n"
                  + LocalKafka.tail(node(dir, i + 1).resolve("broker.log")));
        }
      }
      try (Admin admin = Admin.create(props)) {
        if (admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).size() >= expected) {
          return;
        }
      } catch (ExecutionException | TimeoutException | KafkaException e) {
        // not ready yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the cluster", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the cluster", e);
      }
    }
    throw new IOException(
        "the cluster at "
            + bootstrapServers()
            + " did not show "
            + expected
            + " live brokers within "
            + START_TIMEOUT.toSeconds()
            + " s; node logs: "
            + java.util.stream.IntStream.rangeClosed(1, ports.length)
                .mapToObj(i -> node(dir, i).resolve("broker.log").toString())
                .collect(Collectors.joining(", ")));
  }

  private static Path node(Path dir, int id) {
    return dir.resolve("node-" + id);
  }

  private static Properties previous(Path config) throws IOException {
    Properties p = new Properties();
    if (Files.exists(config)) {
      try (var in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        p.load(in);
      }
    }
    return p;
  }

  /** Stops every node with a controlled shutdown, or kills it after 30 seconds. */
  @Override
  public void close() {
    for (Process p : processes) {
      if (p != null && p.isAlive()) {
        p.destroy();
      }
    }
    for (Process p : processes) {
      if (p == null) {
        continue;
      }
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}

package io.modstream.kafka;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalKafka} broker until interrupted: {@code LocalKafkaMain DIR [PORT]}, or a
 * {@link LocalKafkaCluster} of N nodes on free ports: {@code LocalKafkaMain --nodes N DIR}, or a
 * secured broker with modstream's principals and ACLs ({@link SecuredStack}): {@code LocalKafkaMain
 * --secure CLIENTS_DIR DIR [PORT]}. Prints {@code BOOTSTRAP=127.0.0.1:PORT[,...]} on standard
 * output once the brokers answer, so scripts can wait for that line.
 */
public final class LocalKafkaMain {

  private LocalKafkaMain() {}

  /**
   * Starts the broker.
   *
   * @param args optionally {@code --secure CLIENTS_DIR}, the data directory, then optionally the
   *     client port (default 9092); or {@code --nodes N DATA_DIR}
   * @throws Exception if the broker cannot start
   */
  public static void main(String[] args) throws Exception {
    String heap = System.getProperty("modstream.kafka.heap", "512m");
    if (args.length == 3 && args[0].equals("--nodes")) {
      runCluster(Integer.parseInt(args[1]), Path.of(args[2]), heap);
      return;
    }
    boolean secure = args.length >= 3 && args[0].equals("--secure");
    Path clients = secure ? Path.of(args[1]) : null;
    String[] rest = secure ? Arrays.copyOfRange(args, 2, args.length) : args;
    if (rest.length < 1 || rest.length > 2 || rest[0].startsWith("--")) {
      System.err.println(
          "usage: LocalKafkaMain [--secure CLIENTS_DIR] DATA_DIR [PORT]   (PORT defaults to 9092;"
              + " 0 picks a free one; --secure: SASL_SSL, SCRAM users, ACLs, a client config"
              + " file per principal in CLIENTS_DIR)\n"
              + "       LocalKafkaMain --nodes N DATA_DIR   (a KRaft cluster of N nodes, free"
              + " ports)");
      System.exit(2);
    }
    int port = rest.length == 2 ? Integer.parseInt(rest[1]) : 9092;
    LocalKafka kafka =
        clients == null
            ? LocalKafka.start(Path.of(rest[0]), port, heap)
            : SecuredStack.start(Path.of(rest[0]), port, heap, clients);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stopped.countDown();
                },
                "local-kafka-shutdown"));
    System.out.println("BOOTSTRAP=" + kafka.bootstrapServers());
    System.out.flush();
    while (kafka.isRunning()) {
      Thread.sleep(500);
    }
    System.err.println("the broker process exited; see " + kafka.dataDir().resolve("broker.log"));
    System.exit(1);
  }

  private static void runCluster(int nodes, Path dir, String heap) throws Exception {
    LocalKafkaCluster cluster = LocalKafkaCluster.start(dir, nodes, heap);
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "local-kafka-shutdown"));
    System.out.println("BOOTSTRAP=" + cluster.bootstrapServers());
    System.out.flush();
    // Nodes may be killed and restarted by fault tests; the cluster runs until this JVM stops.
    Thread.currentThread().join();
  }
}

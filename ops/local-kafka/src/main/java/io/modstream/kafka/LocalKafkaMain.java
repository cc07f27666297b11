package io.modstream.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalKafka} broker until interrupted: {@code LocalKafkaMain DIR [PORT]}, or a
 * {@link LocalKafkaCluster} of N nodes on free ports: {@code LocalKafkaMain --nodes N DIR}. Prints
 * {@code BOOTSTRAP=127.0.0.1:PORT[,...]} on standard output once the brokers answer, so scripts can
 * wait for that line.
 */
public final class LocalKafkaMain {

  private LocalKafkaMain() {}

  /**
   * Starts the broker.
   *
   * @param args the data directory, then optionally the client port (default 9092)
   * @throws Exception if the broker cannot start
   */
  public static void main(String[] args) throws Exception {
    String heap = System.getProperty("modstream.kafka.heap", "512m");
    if (args.length == 3 && args[0].equals("--nodes")) {
      runCluster(Integer.parseInt(args[1]), Path.of(args[2]), heap);
      return;
    }
    if (args.length < 1 || args.length > 2 || args[0].startsWith("--")) {
      System.err.println(
          "usage: LocalKafkaMain DATA_DIR [PORT]   (PORT defaults to 9092; 0 picks a free one)\n"
              + "       LocalKafkaMain --nodes N DATA_DIR   (a KRaft cluster of N nodes, free"
              + " ports)");
      System.exit(2);
    }
    int port = args.length == 2 ? Integer.parseInt(args[1]) : 9092;
    LocalKafka kafka = LocalKafka.start(Path.of(args[0]), port, heap);
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

package io.modstream.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalKafka} broker until interrupted: {@code LocalKafkaMain DIR [PORT]}. Prints
 * {@code BOOTSTRAP=127.0.0.1:PORT} on standard output once the broker answers, so scripts can wait
 * for that line.
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
    if (args.length < 1 || args.length > 2) {
      System.err.println(
          "usage: LocalKafkaMain DATA_DIR [PORT]   (PORT defaults to 9092; 0 picks a free one)");
      System.exit(2);
    }
    int port = args.length == 2 ? Integer.parseInt(args[1]) : 9092;
    String heap = System.getProperty("modstream.kafka.heap", "512m");
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
}

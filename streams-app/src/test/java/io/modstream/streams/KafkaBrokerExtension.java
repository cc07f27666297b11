package io.modstream.streams;

import io.modstream.kafka.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One real Kafka broker for every integration test in the JVM: Testcontainers' Kafka module where a
 * Docker engine is available, otherwise a {@link LocalKafka} KRaft broker from the Maven Central
 * jars. Tests take a {@link Broker} parameter. The image can be changed with {@code
 * -Dmodstream.kafka.image=...}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

  /** A running broker. */
  public interface Broker {
    /**
     * Returns the bootstrap address.
     *
     * @return host:port
     */
    String bootstrapServers();

    /**
     * Says which kind of broker this is, for logs.
     *
     * @return a description
     */
    String kind();
  }

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    broker(context);
  }

  private static Broker broker(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent("broker", k -> start(), Running.class)
        .broker;
  }

  private static Running start() {
    try {
      if (DockerClientFactory.instance().isDockerAvailable()) {
        KafkaContainer container =
            new KafkaContainer(System.getProperty("modstream.kafka.image", "apache/kafka:4.1.0"));
        container.start();
        return new Running(
            new Broker() {
              @Override
              public String bootstrapServers() {
                return container.getBootstrapServers();
              }

              @Override
              public String kind() {
                return "Testcontainers " + container.getDockerImageName();
              }
            },
            container::stop);
      }
      Path dir = Files.createTempDirectory("modstream-kafka-it");
      LocalKafka kafka = LocalKafka.start(dir, 0, "512m");
      return new Running(
          new Broker() {
            @Override
            public String bootstrapServers() {
              return kafka.bootstrapServers();
            }

            @Override
            public String kind() {
              return "embedded KRaft broker (no Docker engine) in " + dir;
            }
          },
          kafka::close);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not start a Kafka broker for the integration tests: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Broker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return broker(e);
  }

  /** Stops the broker when the root context closes (end of the test run). */
  private record Running(Broker broker, Runnable stop)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      stop.run();
    }
  }
}

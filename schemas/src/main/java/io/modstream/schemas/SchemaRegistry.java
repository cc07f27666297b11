package io.modstream.schemas;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for the Confluent wire format ({@link WireFormat#REGISTRY}) over a schema registry,
 * from Apicurio's maintained serdes: the schema id goes in the value (byte 0, then 4 bytes, as
 * Confluent's clients write and read it), not in headers. Subjects follow the topic name ({@code
 * <topic>-value}), as Confluent's default strategy does.
 */
public final class SchemaRegistry {

  /** The path of Apicurio's own API under the registry's base URL. */
  public static final String API_PATH = "/apis/registry/v3";

  /** The path of the Confluent-compatible API under the registry's base URL. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  private final String baseUrl;

  private SchemaRegistry(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * Returns the serdes of the registry at a base URL.
   *
   * @param baseUrl for example {@code http://registry:8080}; an API path after it is dropped
   * @return the factory
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
   */
  public static SchemaRegistry at(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String url = baseUrl.strip();
    for (String suffix : new String[] {API_PATH, CCOMPAT_PATH}) {
      if (url.endsWith(suffix)) {
        url = url.substring(0, url.length() - suffix.length());
      }
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("registry URL '" + baseUrl + "' is not a URL", e);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "registry URL '" + baseUrl + "' must be an http(s) URL such as http://localhost:8081");
    }
    return new SchemaRegistry(url);
  }

  /**
   * Returns the registry's base URL.
   *
   * @return the URL without a trailing slash or API path
   */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Returns a deserializer of registry-framed values into a generated record type, resolving the
   * writer schema by its id and the record to the reader's current schema.
   *
   * @param <T> the record type
   * @return a configured deserializer (close it when done)
   */
  public <T extends SpecificRecord> Deserializer<T> deserializer() {
    AvroKafkaDeserializer<T> d = new AvroKafkaDeserializer<>();
    Map<String, Object> config = common();
    config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    d.configure(config, false);
    return d;
  }

  /**
   * Returns a serializer that writes a record type in the Confluent wire format, finding its schema
   * under the subject {@code <topic>-value} and registering it there when absent.
   *
   * @param <T> the record type
   * @return a configured serializer (close it when done)
   */
  public <T extends SpecificRecord> Serializer<T> serializer() {
    AvroKafkaSerializer<T> s = new AvroKafkaSerializer<>();
    Map<String, Object> config = common();
    config.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, true);
    s.configure(config, false);
    return s;
  }

  private Map<String, Object> common() {
    Map<String, Object> config = new HashMap<>();
    config.put(SchemaResolverConfig.REGISTRY_URL, baseUrl + API_PATH);
    config.put(KafkaSerdeConfig.ENABLE_HEADERS, false);
    config.put(SerdeConfig.USE_ID, "contentId");
    // The JDK's HTTP client needs no event-loop threads of its own.
    config.put(SchemaResolverConfig.HTTP_ADAPTER, "JDK");
    return config;
  }
}

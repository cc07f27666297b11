package io.modstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.modstream.schemas.Comment;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// Which id the Confluent-compatible API hands out, and how Apicurio's serdes must be set up to
// write and read the same ids as Confluent clients (Python's confluent-kafka among them).
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConfluentIdsIT {

  /** The same content as comments-value under a second subject: a new globalId, not contentId. */
  private static final String COPY_TOPIC = "comments-copy";

  private static final String COPY = SchemaRegistration.valueSubject(COPY_TOPIC);

  @TempDir static Path dir;

  private static LocalRegistry registry;
  private static SchemaRegistration registration;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    registry = LocalRegistry.start(dir, 0);
    registration = new SchemaRegistration(registry.ccompatUrl());
    registration.registerProject();
    registration.register(COPY, Comment.getClassSchema());
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void theConfluentCompatibleIdIsApicuriosContentId() throws Exception {
    int id = registration.latest(COPY).id();
    JsonNode version = version(COPY);
    long contentId = version.path("contentId").asLong();
    long globalId = version.path("globalId").asLong();
    assertThat(globalId)
        .as("the copy is a new version of existing content")
        .isNotEqualTo(contentId);
    assertThat((long) id).isEqualTo(contentId);
    assertThat(registration.latest("comments-value").id()).as("one id per content").isEqualTo(id);
    Schema byContentId = new Schema.Parser().parse(get(apicurio("/ids/contentIds/" + id)));
    assertThat(byContentId).isEqualTo(Comment.getClassSchema());
  }

  @Test
  void apicurioSerdesOnContentIdsSpeakTheConfluentWireFormat() throws Exception {
    int id = registration.latest(COPY).id();
    Comment comment = comment();
    byte[] written;
    try (AvroKafkaSerializer<Comment> serializer = new AvroKafkaSerializer<>()) {
      serializer.configure(confluentCompatible("contentId"), false);
      written = serializer.serialize(COPY_TOPIC, comment);
    }
    assertThat(written[0]).as("Confluent's magic byte").isZero();
    assertThat(ByteBuffer.wrap(written, 1, 4).getInt()).as("4-byte id").isEqualTo(id);

    // Read as a Confluent client does: the writer's schema by that id, then plain Avro binary.
    Schema writer =
        new Schema.Parser()
            .parse(
                JSON.readTree(get(registry.ccompatUrl() + "/schemas/ids/" + id))
                    .path("schema")
                    .asText());
    GenericRecord read =
        new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(written, 5, written.length - 5, null));
    assertThat(read.get("comment_id").toString()).isEqualTo(comment.getCommentId());
    assertThat(read.get("text").toString()).isEqualTo(comment.getText());

    // And the other way: bytes framed as a Confluent producer frames them.
    Map<String, Object> config = confluentCompatible("contentId");
    config.put("apicurio.registry.use-specific-avro-reader", "true");
    try (AvroKafkaDeserializer<Comment> deserializer = new AvroKafkaDeserializer<>()) {
      deserializer.configure(config, false);
      assertThat(deserializer.deserialize(COPY_TOPIC, confluentFrame(id, comment)))
          .isEqualTo(comment);
    }
  }

  @Test
  void onGlobalIdsTheSerdesWriteAnIdConfluentClientsWouldMisread() throws Exception {
    long globalId = version(COPY).path("globalId").asLong();
    byte[] written;
    try (AvroKafkaSerializer<Comment> serializer = new AvroKafkaSerializer<>()) {
      serializer.configure(confluentCompatible("globalId"), false);
      written = serializer.serialize(COPY_TOPIC, comment());
    }
    int inBytes = ByteBuffer.wrap(written, 1, 4).getInt();
    assertThat((long) inBytes).isEqualTo(globalId);
    assertThat(inBytes).isNotEqualTo(registration.latest(COPY).id());
  }

  /** Apicurio serde settings for Confluent's framing: magic byte, 4-byte id, no headers. */
  private static Map<String, Object> confluentCompatible(String useId) {
    Map<String, Object> config = new HashMap<>();
    config.put("apicurio.registry.url", registry.apicurioUrl());
    config.put("apicurio.registry.use-id", useId);
    config.put("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler");
    config.put("apicurio.registry.headers.enabled", "false");
    return config;
  }

  private static Comment comment() {
    return Comment.newBuilder()
        .setCommentId("c-1")
        .setText("a comment to moderate")
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
  }

  private static byte[] confluentFrame(int id, Comment comment) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<Comment>(Comment.class).write(comment, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static JsonNode version(String artifactId) throws Exception {
    return JSON.readTree(
        get(apicurio("/groups/default/artifacts/" + artifactId + "/versions/branch=latest")));
  }

  private static String apicurio(String path) {
    return registry.apicurioUrl() + path;
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + url + ": " + r.body()).isEqualTo(200);
    return r.body();
  }
}

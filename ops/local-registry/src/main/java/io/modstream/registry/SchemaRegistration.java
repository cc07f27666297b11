package io.modstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modstream.schemas.AvroCodec;
import io.modstream.schemas.Comment;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Registers the project's Avro record schemas in a schema registry through its Confluent-compatible
 * API, under the subjects Confluent's default TopicNameStrategy derives from the topics ({@code
 * <topic>-value}), each with compatibility BACKWARD: the earlier versions the {@code schemas}
 * module keeps in its history first, then the current one.
 */
public final class SchemaRegistration {

  /** Consumers on a new schema can read what producers wrote with the previous one. */
  public static final String BACKWARD = "BACKWARD";

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /**
   * A subject and the schemas to register under it.
   *
   * @param name the subject, {@code <topic>-value}
   * @param versions its schemas, oldest first; the last is the current one
   */
  public record Subject(String name, List<Schema> versions) {

    /** Copies the versions and checks there is at least one. */
    public Subject {
      versions = List.copyOf(versions);
      if (versions.isEmpty()) {
        throw new IllegalArgumentException("subject " + name + " has no schema to register");
      }
    }

    /**
     * Returns the current schema.
     *
     * @return the last version
     */
    public Schema current() {
      return versions.get(versions.size() - 1);
    }
  }

  /**
   * A version of a subject as the registry reports it.
   *
   * @param subject the subject
   * @param version its version number under the subject
   * @param id the schema id Confluent clients write in front of each record
   * @param schema the schema as stored
   */
  public record Registered(String subject, int version, int id, Schema schema) {}

  private final String ccompatUrl;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Creates a registration against one registry.
   *
   * @param ccompatUrl the Confluent-compatible API's address, for example {@link
   *     LocalRegistry#ccompatUrl()}
   */
  public SchemaRegistration(String ccompatUrl) {
    this.ccompatUrl =
        ccompatUrl.endsWith("/") ? ccompatUrl.substring(0, ccompatUrl.length() - 1) : ccompatUrl;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Returns the project's subjects: one per Avro-valued topic, with its record's earlier and
   * current schemas.
   *
   * @return comments, comment-labels, comment-feedback and model-releases values
   */
  public static List<Subject> projectSubjects() {
    return List.of(
        subject(Topics.COMMENTS.name(), Comment.getClassSchema()),
        subject(Topics.COMMENT_LABELS.name(), LabelEvent.getClassSchema()),
        subject(Topics.COMMENT_FEEDBACK.name(), Feedback.getClassSchema()),
        subject(Topics.MODEL_RELEASES.name(), ModelRelease.getClassSchema()));
  }

  /**
   * Returns the TopicNameStrategy subject of a topic's values.
   *
   * @param topic the topic
   * @return {@code <topic>-value}
   */
  public static String valueSubject(String topic) {
    return topic + "-value";
  }

  /**
   * Registers the project's subjects ({@link #projectSubjects()}).
   *
   * @return the current version of each subject, by subject
   * @throws IOException if the registry refuses a schema or cannot be reached
   */
  public Map<String, Registered> registerProject() throws IOException {
    return registerAll(projectSubjects());
  }

  /**
   * Sets each subject's compatibility to BACKWARD and registers its versions, oldest first.
   *
   * @param subjects the subjects
   * @return the current version of each subject, by subject
   * @throws IncompatibleSchemaException if the registry refuses a version as incompatible
   * @throws IOException if the registry cannot be reached or refuses a request otherwise
   */
  public Map<String, Registered> registerAll(List<Subject> subjects) throws IOException {
    Map<String, Registered> current = new LinkedHashMap<>();
    for (Subject s : subjects) {
      setCompatibility(s.name(), BACKWARD);
      for (Schema version : s.versions()) {
        register(s.name(), version);
      }
      current.put(s.name(), latest(s.name()));
    }
    return current;
  }

  /**
   * Sets a subject's compatibility level.
   *
   * @param subject the subject
   * @param level for example {@link #BACKWARD}
   * @throws IOException if the registry refuses it or cannot be reached
   */
  public void setCompatibility(String subject, String level) throws IOException {
    send(
        subject,
        request("/config/" + encode(subject))
            .PUT(body(json.createObjectNode().put("compatibility", level))));
  }

  /**
   * Returns a subject's own compatibility level.
   *
   * @param subject the subject
   * @return the level, for example {@link #BACKWARD}
   * @throws IOException if the registry has none for it or cannot be reached
   */
  public String compatibility(String subject) throws IOException {
    return send(subject, request("/config/" + encode(subject)).GET())
        .path("compatibilityLevel")
        .asText();
  }

  /**
   * Registers a schema under a subject, or finds it if already there.
   *
   * @param subject the subject
   * @param schema the Avro schema
   * @return the schema id Confluent clients write in front of each record
   * @throws IncompatibleSchemaException if the registry refuses it as incompatible (HTTP 409)
   * @throws IOException if the registry cannot be reached or refuses it otherwise
   */
  public int register(String subject, Schema schema) throws IOException {
    var body = json.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO");
    return send(subject, request("/subjects/" + encode(subject) + "/versions").POST(body(body)))
        .path("id")
        .asInt();
  }

  /**
   * Returns the latest version of a subject.
   *
   * @param subject the subject
   * @return its latest version, id and schema
   * @throws IOException if the subject does not exist or the registry cannot be reached
   */
  public Registered latest(String subject) throws IOException {
    JsonNode v = send(subject, request("/subjects/" + encode(subject) + "/versions/latest").GET());
    return new Registered(
        v.path("subject").asText(),
        v.path("version").asInt(),
        v.path("id").asInt(),
        new Schema.Parser().parse(v.path("schema").asText()));
  }

  /**
   * Returns the subjects the registry holds.
   *
   * @return their names
   * @throws IOException if the registry cannot be reached
   */
  public List<String> subjects() throws IOException {
    List<String> names = new ArrayList<>();
    send("(all)", request("/subjects").GET()).forEach(n -> names.add(n.asText()));
    return names;
  }

  private static Subject subject(String topic, Schema current) {
    List<Schema> versions = new ArrayList<>(AvroCodec.history(current.getFullName()));
    versions.add(current);
    return new Subject(valueSubject(topic), versions);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(ccompatUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("Accept", CONTENT_TYPE)
        .header("Content-Type", CONTENT_TYPE);
  }

  private HttpRequest.BodyPublisher body(JsonNode node) throws IOException {
    return HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(node));
  }

  private JsonNode send(String subject, HttpRequest.Builder request) throws IOException {
    HttpRequest r = request.build();
    HttpResponse<String> response;
    try {
      response = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during " + r.method() + " " + r.uri(), e);
    }
    int status = response.statusCode();
    if (status == 409) {
      throw new IncompatibleSchemaException(subject, reason(response.body()));
    }
    if (status / 100 != 2) {
      throw new IOException(
          "the schema registry answered "
              + r.method()
              + " "
              + r.uri()
              + " with HTTP "
              + status
              + ": "
              + reason(response.body()));
    }
    return json.readTree(response.body());
  }

  /** The registry's message from an error body, or the body itself. */
  private String reason(String body) {
    try {
      JsonNode message = json.readTree(body).path("message");
      return message.isTextual() ? message.asText() : body;
    } catch (IOException e) {
      return body;
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

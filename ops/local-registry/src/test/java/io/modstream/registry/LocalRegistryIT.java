package io.modstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.schemas.Comment;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// One registry for the class (its start is the slow part); tests that add versions use their own
// subjects so the project's stay as registered. A hung registry fails instead of stalling the
// build.
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalRegistryIT {

  @TempDir static Path dir;

  private static LocalRegistry registry;
  private static SchemaRegistration registration;
  private static Map<String, SchemaRegistration.Registered> registered;

  @BeforeAll
  static void startAndRegister() throws Exception {
    registry = LocalRegistry.start(dir, 0);
    registration = new SchemaRegistration(registry.ccompatUrl());
    registered = registration.registerProject();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
      assertThat(registry.isRunning()).isFalse();
    }
  }

  @Test
  void registersEachRecordUnderItsTopicsValueSubjectWithBackwardCompatibility() throws Exception {
    assertThat(registry.url()).startsWith("http://127.0.0.1:");
    assertThat(registry.ccompatUrl()).isEqualTo(registry.url() + "/apis/ccompat/v7");
    assertThat(registry.apicurioUrl()).isEqualTo(registry.url() + "/apis/registry/v3");
    Map<String, Schema> expected =
        Map.of(
            "comments-value", Comment.getClassSchema(),
            "comment-labels-value", LabelEvent.getClassSchema(),
            "comment-feedback-value", Feedback.getClassSchema(),
            "model-releases-value", ModelRelease.getClassSchema());
    // Other tests add subjects of their own.
    assertThat(registration.subjects()).containsAll(expected.keySet());
    assertThat(registered.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(SchemaRegistration.valueSubject(Topics.COMMENTS.name())).isEqualTo("comments-value");
    for (var e : expected.entrySet()) {
      assertThat(registration.compatibility(e.getKey())).as(e.getKey()).isEqualTo("BACKWARD");
      SchemaRegistration.Registered latest = registration.latest(e.getKey());
      assertThat(latest.schema()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(latest.schema().toString()).as(e.getKey()).isEqualTo(e.getValue().toString());
      assertThat(latest).isEqualTo(registered.get(e.getKey()));
    }
  }

  @Test
  void aSchemaChangeThatBreaksCompatibilityFails() throws Exception {
    // A reader with a new field and no default cannot read records written without it.
    Schema required =
        withField(
            Comment.getClassSchema(), new Schema.Field("score", Schema.create(Schema.Type.DOUBLE)));
    assertThatThrownBy(() -> registration.register("comments-value", required))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("comments-value")
        .hasMessageContaining("score")
        .satisfies(
            e -> {
              IncompatibleSchemaException ise = (IncompatibleSchemaException) e;
              assertThat(ise.subject()).isEqualTo("comments-value");
              assertThat(ise.reason()).contains("Incompatible").contains("score");
            });
    // A changed type is refused too.
    Schema retyped = withType(Comment.getClassSchema(), "text", Schema.create(Schema.Type.INT));
    assertThatThrownBy(() -> registration.register("comments-value", retyped))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("comments-value")
        .hasMessageContaining("reader type: INT not compatible with writer type: STRING");
    assertThat(registration.latest("comments-value"))
        .as("nothing registered")
        .isEqualTo(registered.get("comments-value"));
  }

  @Test
  void aCompatibleChangeIsAccepted() throws Exception {
    String subject = "compatible-change-value";
    SchemaRegistration.Registered first =
        registration
            .registerAll(
                List.of(new SchemaRegistration.Subject(subject, List.of(Comment.getClassSchema()))))
            .get(subject);
    Schema optional =
        withField(
            Comment.getClassSchema(),
            new Schema.Field(
                "reply_to",
                Schema.createUnion(
                    Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "the comment this one replies to",
                JsonProperties.NULL_VALUE));
    int id = registration.register(subject, optional);
    SchemaRegistration.Registered second = registration.latest(subject);
    assertThat(second.version()).isEqualTo(first.version() + 1);
    assertThat(second.id()).isEqualTo(id).isNotEqualTo(first.id());
    assertThat(second.schema()).isEqualTo(optional);
    // A reader without a field the writer had skips it, even a field without a default.
    assertThat(optional.getField("language").hasDefaultValue()).isTrue();
    assertThat(optional.getField("created_at").hasDefaultValue()).isFalse();
    Schema fewer = without(without(optional, "language"), "created_at");
    registration.register(subject, fewer);
    assertThat(registration.latest(subject).version()).isEqualTo(first.version() + 2);
  }

  static Schema withField(Schema base, Schema.Field extra) {
    List<Schema.Field> fields = copyFields(base);
    fields.add(extra);
    return record(base, fields);
  }

  static Schema withType(Schema base, String name, Schema type) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : base.getFields()) {
      fields.add(
          f.name().equals(name) ? new Schema.Field(f, type) : new Schema.Field(f, f.schema()));
    }
    return record(base, fields);
  }

  static Schema without(Schema base, String name) {
    List<Schema.Field> fields = copyFields(base);
    fields.removeIf(f -> f.name().equals(name));
    return record(base, fields);
  }

  private static List<Schema.Field> copyFields(Schema base) {
    List<Schema.Field> fields = new ArrayList<>();
    base.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    return fields;
  }

  private static Schema record(Schema base, List<Schema.Field> fields) {
    return Schema.createRecord(
        base.getName(), base.getDoc(), base.getNamespace(), base.isError(), fields);
  }
}

package io.modstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modstream.schemas.Comment;
import io.modstream.schemas.Feedback;
import io.modstream.schemas.LabelEvent;
import io.modstream.schemas.ModelRelease;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Start failures and the subject list, without a running registry.
class LocalRegistryTest {

  @AfterEach
  void clearHome() {
    System.clearProperty(LocalRegistry.HOME_PROPERTY);
  }

  @Test
  void findsTheRegistryTheBuildUnpacked() throws IOException {
    Path home = LocalRegistry.home();
    assertThat(home).isDirectory();
    try (var files = Files.list(home)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(n -> n.startsWith("apicurio-registry-app-") && n.endsWith("-runner.jar"));
    }
  }

  @Test
  void aBusyPortIsNamed(@TempDir Path dir) throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> LocalRegistry.start(dir, busy.getLocalPort()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("port " + busy.getLocalPort() + " on 127.0.0.1 is in use");
    }
  }

  @Test
  void aMissingRegistryNamesTheBuild(@TempDir Path dir) {
    System.setProperty(LocalRegistry.HOME_PROPERTY, dir.resolve("nothing").toString());
    assertThatThrownBy(() -> LocalRegistry.start(dir, 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no Apicurio Registry runner jar in")
        .hasMessageContaining("mvn -pl ops/local-registry -am package");
  }

  @Test
  void aRegistryThatExitsDuringStartReportsItsLog(@TempDir Path dir) throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve("broken-runner.jar"), "not a jar", StandardCharsets.UTF_8);
    System.setProperty(LocalRegistry.HOME_PROPERTY, home.toString());
    assertThatThrownBy(() -> LocalRegistry.start(dir.resolve("run"), 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the schema registry exited with code")
        .hasMessageContaining("registry.log")
        .hasMessageContaining("broken-runner.jar");
  }

  @Test
  void theProjectsSubjectsAreItsTopicsValues() {
    List<SchemaRegistration.Subject> subjects = SchemaRegistration.projectSubjects();
    assertThat(subjects)
        .extracting(SchemaRegistration.Subject::name)
        .containsExactly(
            "comments-value",
            "comment-labels-value",
            "comment-feedback-value",
            "model-releases-value");
    assertThat(subjects)
        .extracting(SchemaRegistration.Subject::current)
        .containsExactly(
            Comment.getClassSchema(),
            LabelEvent.getClassSchema(),
            Feedback.getClassSchema(),
            ModelRelease.getClassSchema());
  }
}

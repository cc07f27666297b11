package io.modstream.trainer.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {

  @Test
  void theRightPasswordSignsInAndNoOtherDoes(@TempDir Path dir) throws IOException {
    String hash = Users.hash("s3cret pass".toCharArray(), 1_000);
    assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("s3cret");
    assertThat(Users.hash("s3cret pass".toCharArray(), 1_000))
        .as("a fresh salt each time")
        .isNotEqualTo(hash);
    Path file = dir.resolve("reviewers");
    Files.writeString(file, "# reviewers\n\nmod-7 " + hash + "\n");
    Users users = Users.read(file);
    assertThat(users.verify("mod-7", "s3cret pass".toCharArray())).isTrue();
    assertThat(users.verify("mod-7", "s3cret Pass".toCharArray())).isFalse();
    assertThat(users.verify("mod-8", "s3cret pass".toCharArray())).isFalse();
    assertThat(users.verify(null, "s3cret pass".toCharArray())).isFalse();
  }

  @Test
  void aMalformedFileSaysHowToMakeAHash(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("reviewers");
    Files.writeString(file, "mod-7 plaintext\n");
    assertThatThrownBy(() -> Users.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("trainer console hash-password");
    assertThat(Users.of(Map.of("x", "pbkdf2-sha256$garbage")).verify("x", "y".toCharArray()))
        .isFalse();
  }
}

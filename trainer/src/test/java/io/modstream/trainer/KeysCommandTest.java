package io.modstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modstream.schemas.ModelRelease;
import io.modstream.schemas.ReleaseSigning;
import io.modstream.schemas.SigningKey;
import io.modstream.schemas.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainer keys generate} makes a pair that signs releases the public half verifies. */
class KeysCommandTest {

  @Test
  void generateWritesAPairThatSignsAndVerifiesAndNeverOverwrites(@TempDir Path dir)
      throws Exception {
    Path keys = dir.resolve("keys");
    TrainerCliTest.Run r = TrainerCliTest.run("keys", "generate", "--out", keys.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path privateKey = keys.resolve("release-signing.key");
    Path publicKey = keys.resolve("release-signing.pub");
    SigningKey signing = SigningKey.read(privateKey);
    assertThat(r.out())
        .contains("key id " + signing.keyId())
        .contains(privateKey.toString())
        .contains(publicKey.toString());
    assertThat(ReleaseSigning.keyId(ReleaseSigning.readPublicKey(publicKey)))
        .isEqualTo(signing.keyId());
    if (Files.getFileStore(keys).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
          .isEqualTo("rw-------");
    }
    ModelRelease release =
        signing.sign(
            ModelRelease.newBuilder()
                .setModelName("tiny")
                .setVersion("t1")
                .setBundleUri("file:///store/tiny/t1/")
                .setBundleSha256("ab".repeat(32))
                .setCreatedAt(Instant.now())
                .build());
    TrustedKeys.read(List.of(publicKey)).verify(release);

    String before = Files.readString(privateKey);
    TrainerCliTest.Run again = TrainerCliTest.run("keys", "generate", "--out", keys.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("refusing to overwrite a key");
    assertThat(Files.readString(privateKey)).isEqualTo(before);

    TrainerCliTest.Run named =
        TrainerCliTest.run("keys", "generate", "--out", keys.toString(), "--name", "next");
    assertThat(named.exitCode()).isZero();
    assertThat(keys.resolve("next.key")).exists();
    assertThat(keys.resolve("next.pub")).exists();
  }
}

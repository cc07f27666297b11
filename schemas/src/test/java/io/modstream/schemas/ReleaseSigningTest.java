package io.modstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed releases: what verifies, what is refused and why, and the key files. */
class ReleaseSigningTest {

  @TempDir static Path keys;

  private static SigningKey first;
  private static SigningKey second;
  private static SigningKey stranger;
  private static ReleaseSigning.KeyFiles firstFiles;
  private static ReleaseSigning.KeyFiles secondFiles;

  @BeforeAll
  static void makeKeys() throws Exception {
    firstFiles = ReleaseSigning.generate(keys, "first");
    secondFiles = ReleaseSigning.generate(keys, "second");
    first = SigningKey.read(firstFiles.privateKey());
    second = SigningKey.read(secondFiles.privateKey());
    stranger = SigningKey.read(ReleaseSigning.generate(keys, "stranger").privateKey());
  }

  static ModelRelease release() {
    return ModelRelease.newBuilder()
        .setModelName("toxicity")
        .setVersion("v7")
        .setBundleUri("file:///store/toxicity/v7/")
        .setBundleSha256("ab".repeat(32))
        .setMetrics(Map.of("mean_roc_auc", 0.97))
        .setCreatedAt(Instant.ofEpochMilli(1_764_892_800_000L))
        .build();
  }

  private static TrustedKeys trusting(SigningKey... keys) {
    return TrustedKeys.of(List.of(keys).stream().map(SigningKey::publicKey).toList());
  }

  @Test
  void aReleaseSignedByATrustedKeyVerifies() throws Exception {
    ModelRelease signed = first.sign(release());
    assertThat(signed.getKeyId()).isEqualTo(first.keyId()).isEqualTo(firstFiles.keyId());
    assertThat(signed.getSignature().remaining()).isEqualTo(64);
    assertThatCode(() -> TrustedKeys.read(List.of(firstFiles.publicKey())).verify(signed))
        .doesNotThrowAnyException();
    // The record survives the wire: what is signed is the decoded values, not the encoding.
    AvroCodec<ModelRelease> codec = AvroCodec.of(ModelRelease.class);
    assertThatCode(() -> trusting(first).verify(codec.decode(codec.encode(signed))))
        .doesNotThrowAnyException();
  }

  @Test
  void aChangedVersionOrDigestOrCreationTimeIsRefused() {
    ModelRelease signed = first.sign(release());
    for (ModelRelease tampered :
        List.of(
            ModelRelease.newBuilder(signed).setVersion("v8").build(),
            ModelRelease.newBuilder(signed).setModelName("other").build(),
            ModelRelease.newBuilder(signed).setBundleSha256("cd".repeat(32)).build(),
            ModelRelease.newBuilder(signed).setCreatedAt(Instant.ofEpochMilli(1L)).build())) {
      assertThatThrownBy(() -> trusting(first).verify(tampered))
          .isInstanceOfSatisfying(
              UntrustedReleaseException.class,
              e -> assertThat(e.reason()).isEqualTo(UntrustedReleaseException.Reason.BAD_SIGNATURE))
          .hasMessageContaining("release " + tampered.getModelName() + " " + tampered.getVersion())
          .hasMessageContaining("changed after signing, or forged");
    }
  }

  @Test
  void theBundleUriAndMetricsAreNotSignedSinceTheDigestPinsTheContent() {
    ModelRelease moved =
        ModelRelease.newBuilder(first.sign(release()))
            .setBundleUri("kafka://model-bundles/toxicity/v7")
            .setMetrics(Map.of())
            .build();
    assertThatCode(() -> trusting(first).verify(moved)).doesNotThrowAnyException();
  }

  @Test
  void aSignatureByAnotherKeyUnderATrustedKeyIdIsRefused() {
    ModelRelease forged = ModelRelease.newBuilder(stranger.sign(release())).build();
    forged.setKeyId(first.keyId());
    assertThatThrownBy(() -> trusting(first).verify(forged))
        .isInstanceOfSatisfying(
            UntrustedReleaseException.class,
            e -> assertThat(e.reason()).isEqualTo(UntrustedReleaseException.Reason.BAD_SIGNATURE));
  }

  @Test
  void anUnknownKeyIdIsRefusedNamingTheTrustedOnes() {
    ModelRelease foreign = stranger.sign(release());
    assertThatThrownBy(() -> trusting(first, second).verify(foreign))
        .isInstanceOfSatisfying(
            UntrustedReleaseException.class,
            e -> assertThat(e.reason()).isEqualTo(UntrustedReleaseException.Reason.UNKNOWN_KEY))
        .hasMessageContaining("signed by key " + stranger.keyId() + ", which is not trusted")
        .hasMessageContaining(first.keyId())
        .hasMessageContaining(second.keyId())
        .hasMessageContaining("add its public key file");
  }

  @Test
  void anUnsignedReleaseIsRefusedSayingHowToSignIt() {
    ModelRelease noKeyId = ModelRelease.newBuilder(first.sign(release())).setKeyId(null).build();
    for (ModelRelease unsigned : List.of(release(), noKeyId)) {
      assertThatThrownBy(() -> trusting(first).verify(unsigned))
          .isInstanceOfSatisfying(
              UntrustedReleaseException.class,
              e -> assertThat(e.reason()).isEqualTo(UntrustedReleaseException.Reason.UNSIGNED))
          .hasMessageContaining("is unsigned")
          .hasMessageContaining("--signing-key");
    }
  }

  @Test
  void aTruncatedSignatureIsRefused() {
    ModelRelease signed = first.sign(release());
    signed.setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> trusting(first).verify(signed))
        .isInstanceOf(UntrustedReleaseException.class)
        .hasMessageContaining("does not match");
  }

  @Test
  void withTwoTrustedKeysEitherVerifiesSoKeysCanRotate() throws Exception {
    TrustedKeys both = TrustedKeys.read(List.of(firstFiles.publicKey(), secondFiles.publicKey()));
    assertThat(both.ids()).containsExactlyInAnyOrder(first.keyId(), second.keyId());
    assertThatCode(() -> both.verify(first.sign(release()))).doesNotThrowAnyException();
    assertThatCode(() -> both.verify(second.sign(release()))).doesNotThrowAnyException();
    // After the rotation the old key is dropped, and its releases are refused.
    assertThatThrownBy(
            () -> TrustedKeys.read(List.of(secondFiles.publicKey())).verify(first.sign(release())))
        .isInstanceOf(UntrustedReleaseException.class)
        .hasMessageContaining("not trusted");
  }

  @Test
  void theSignedBytesAreTheDocumentedLines() throws Exception {
    ModelRelease signed = first.sign(release());
    String expected =
        "modstream-release-signature-v1\ntoxicity\nv7\n"
            + "ab".repeat(32)
            + "\n1764892800000\n"
            + first.keyId()
            + "\n";
    assertThat(new String(ReleaseSigning.signedBytes(signed), StandardCharsets.UTF_8))
        .isEqualTo(expected);
    // What a tool without this code does: the JDK's Ed25519 over those bytes, with the DER key
    // taken from the .pub file.
    String pem = Files.readString(firstFiles.publicKey(), StandardCharsets.US_ASCII);
    byte[] der =
        java.util.Base64.getMimeDecoder()
            .decode(
                pem.replace("-----BEGIN PUBLIC KEY-----", "")
                    .replace("-----END PUBLIC KEY-----", ""));
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
    s.update(expected.getBytes(StandardCharsets.UTF_8));
    byte[] sig = new byte[64];
    signed.getSignature().duplicate().get(sig);
    assertThat(s.verify(sig)).isTrue();
    assertThat(first.keyId())
        .isEqualTo(
            HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(der))
                .substring(0, 16));
  }

  @Test
  void aLineFeedInASignedValueCannotBeSigned() {
    ModelRelease bad = ModelRelease.newBuilder(release()).setVersion("v7\nv8").build();
    assertThatThrownBy(() -> first.sign(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line feed");
  }

  @Test
  void thePrivateKeyFileIsOwnerOnlyAndNeverOverwritten() throws Exception {
    if (Files.getFileStore(keys).supportsFileAttributeView("posix")) {
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(firstFiles.privateKey())))
          .isEqualTo("rw-------");
    }
    assertThat(Files.readString(firstFiles.publicKey())).doesNotContain("PRIVATE");
    assertThatThrownBy(() -> ReleaseSigning.generate(keys, "first"))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("refusing to overwrite");
  }

  @Test
  void keyFilesThatAreNotEd25519KeysAreRefusedWithTheFix(@TempDir Path dir) throws Exception {
    Path notAKey = Files.writeString(dir.resolve("x.pub"), "hello");
    assertThatThrownBy(() -> TrustedKeys.read(List.of(notAKey)))
        .hasMessageContaining("has no PUBLIC KEY PEM block")
        .hasMessageContaining("trainer keys generate");
    // A private key file without its public half (as openssl genpkey writes it).
    String privateOnly = Files.readString(firstFiles.privateKey());
    privateOnly = privateOnly.substring(0, privateOnly.indexOf("-----BEGIN PUBLIC KEY-----"));
    Path bare = Files.writeString(dir.resolve("bare.key"), privateOnly);
    assertThatThrownBy(() -> SigningKey.read(bare))
        .hasMessageContaining("openssl pkey -in FILE -pubout >> FILE");
    // Halves of two different pairs.
    String mixed =
        privateOnly + Files.readString(secondFiles.publicKey(), StandardCharsets.US_ASCII);
    Path mismatched = Files.writeString(dir.resolve("mixed.key"), mixed);
    assertThatThrownBy(() -> SigningKey.read(mismatched))
        .hasMessageContaining("is not the public half of its PRIVATE KEY");
  }
}

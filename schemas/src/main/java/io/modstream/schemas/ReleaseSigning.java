package io.modstream.schemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Ed25519 signatures of {@link ModelRelease} records, with the JDK's own provider. A release's
 * signature covers the UTF-8 bytes of six lines, each ending in a line feed: {@value #DOMAIN},
 * model_name, version, bundle_sha256, created_at in decimal milliseconds, and key_id; the bundle's
 * manifest digest binds every file of the bundle, so a signature vouches for the bundle too. Keys
 * are PEM files: a private key file holds the PKCS#8 {@code PRIVATE KEY} block followed by the
 * X.509 {@code PUBLIC KEY} block (the key id needs the public half), a public key file the latter
 * alone. A key's id is the first 16 hex characters of the SHA-256 of its X.509 encoding.
 */
public final class ReleaseSigning {

  /** The signature algorithm. */
  public static final String ALGORITHM = "Ed25519";

  /** The first line of the signed bytes: names what is signed and the layout's version. */
  public static final String DOMAIN = "modstream-release-signature-v1";

  static final String PRIVATE_LABEL = "PRIVATE KEY";
  static final String PUBLIC_LABEL = "PUBLIC KEY";

  private ReleaseSigning() {}

  /**
   * Returns the bytes a release's signature covers, with the release's own key_id.
   *
   * @param release a release whose key_id is set
   * @return the UTF-8 bytes of the six lines
   * @throws IllegalArgumentException if key_id is unset or a value holds a line feed, which would
   *     make two different releases sign the same bytes
   */
  public static byte[] signedBytes(ModelRelease release) {
    List<String> values =
        List.of(
            DOMAIN,
            Objects.requireNonNull(release.getModelName(), "model_name"),
            Objects.requireNonNull(release.getVersion(), "version"),
            Objects.requireNonNull(release.getBundleSha256(), "bundle_sha256"),
            Long.toString(release.getCreatedAt().toEpochMilli()),
            Objects.requireNonNull(release.getKeyId(), "key_id"));
    StringBuilder sb = new StringBuilder();
    for (String v : values) {
      if (v.indexOf('\n') >= 0) {
        throw new IllegalArgumentException(
            "a release's signed values may not contain a line feed: '" + v + "'");
      }
      sb.append(v).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Returns a public key's id.
   *
   * @param key the public key
   * @return the first 16 lower-case hex characters of the SHA-256 of its X.509 encoding
   */
  public static String keyId(PublicKey key) {
    return SafeFiles.sha256(key.getEncoded()).substring(0, 16);
  }

  /**
   * The files of a generated key pair.
   *
   * @param privateKey the private key file (owner-only where the file system has POSIX modes)
   * @param publicKey the public key file, for the instances' {@code model.trusted.keys}
   * @param keyId the key's id
   */
  public record KeyFiles(Path privateKey, Path publicKey, String keyId) {}

  /**
   * Generates a key pair into {@code dir/NAME.key} and {@code dir/NAME.pub}. The private key file
   * is created owner-read/write only before anything is written to it; existing files are never
   * overwritten.
   *
   * @param dir the directory, created if missing
   * @param name the files' base name
   * @return the files and the key id
   * @throws IOException if a file exists or cannot be written
   */
  public static KeyFiles generate(Path dir, String name) throws IOException {
    if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new IllegalArgumentException(
          "key name '" + name + "' is not a plain file name; use for example release-signing");
    }
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no Ed25519 (Java 15 or later has)", e);
    }
    Files.createDirectories(dir);
    Path privateFile = dir.resolve(name + ".key");
    Path publicFile = dir.resolve(name + ".pub");
    for (Path p : List.of(privateFile, publicFile)) {
      if (Files.exists(p)) {
        throw new FileAlreadyExistsException(
            p.toString(), null, "refusing to overwrite a key; choose another --name or directory");
      }
    }
    String publicPem = pem(PUBLIC_LABEL, pair.getPublic().getEncoded());
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      Files.createFile(
          privateFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(privateFile);
    }
    Files.writeString(
        privateFile,
        pem(PRIVATE_LABEL, pair.getPrivate().getEncoded()) + publicPem,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(publicFile, publicPem, StandardOpenOption.CREATE_NEW);
    return new KeyFiles(privateFile, publicFile, keyId(pair.getPublic()));
  }

  /**
   * Reads an Ed25519 public key file (the {@code PUBLIC KEY} PEM block of a {@code .pub} or {@code
   * .key} file).
   *
   * @param file the file
   * @return the key
   * @throws IOException if the file cannot be read or holds no Ed25519 public key; the message says
   *     which
   */
  public static PublicKey readPublicKey(Path file) throws IOException {
    byte[] der = pemBlock(file, PUBLIC_LABEL);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(
          file
              + ": the PUBLIC KEY block is not an Ed25519 public key ("
              + e.getMessage()
              + "); make keys with 'trainer keys generate'",
          e);
    }
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** The DER bytes of a file's first PEM block with this label; text around blocks is ignored. */
  static byte[] pemBlock(Path file, String label) throws IOException {
    if (Files.size(file) > 64 * 1024) {
      throw new IOException(file + " is too large to be a key file (over 64 KiB)");
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = from < 0 ? -1 : text.indexOf(end, from);
    if (to < 0) {
      throw new IOException(
          file
              + " has no "
              + label
              + " PEM block"
              + (PUBLIC_LABEL.equals(label)
                  ? "; make keys with 'trainer keys generate', or append the public key to an"
                      + " OpenSSL private key with 'openssl pkey -in FILE -pubout >> FILE'"
                  : "; make keys with 'trainer keys generate'"));
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": the " + label + " block is not valid base64", e);
    }
  }
}

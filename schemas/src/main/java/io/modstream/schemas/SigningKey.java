package io.modstream.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * An Ed25519 private key that signs releases (see {@link ReleaseSigning} for the signed bytes and
 * the file format). It stays with the trainer: only the signature and the key id enter Kafka.
 */
public final class SigningKey {

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = ReleaseSigning.keyId(publicKey);
  }

  /**
   * Reads a private key file written by {@code trainer keys generate} and checks that its two
   * halves belong together.
   *
   * @param file the private key file
   * @return the key
   * @throws IOException if the file cannot be read, is not an Ed25519 key, or its public half does
   *     not match its private half; the message says which and what to do
   */
  public static SigningKey read(Path file) throws IOException {
    byte[] der = ReleaseSigning.pemBlock(file, ReleaseSigning.PRIVATE_LABEL);
    PrivateKey key;
    try {
      key =
          KeyFactory.getInstance(ReleaseSigning.ALGORITHM)
              .generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(
          file
              + ": the PRIVATE KEY block is not an Ed25519 private key ("
              + e.getMessage()
              + "); make keys with 'trainer keys generate'",
          e);
    }
    SigningKey signing = new SigningKey(key, ReleaseSigning.readPublicKey(file));
    byte[] probe = ReleaseSigning.DOMAIN.getBytes(StandardCharsets.UTF_8);
    if (!TrustedKeys.verifies(signing.publicKey, probe, signing.signBytes(probe))) {
      throw new IOException(
          file
              + ": its PUBLIC KEY block is not the public half of its PRIVATE KEY; replace it"
              + " with 'openssl pkey -in FILE -pubout' or make new keys with 'trainer keys"
              + " generate'");
    }
    return signing;
  }

  /**
   * Returns the key's id, the value signed releases carry in key_id.
   *
   * @return 16 lower-case hex characters
   */
  public String keyId() {
    return keyId;
  }

  /**
   * Returns the public half, which instances list in {@code model.trusted.keys}.
   *
   * @return the public key
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Returns a copy of a release with this key's id and signature set.
   *
   * @param release the release (its own key_id and signature are replaced)
   * @return the signed copy
   * @throws IllegalArgumentException if a signed value contains a line feed
   */
  public ModelRelease sign(ModelRelease release) {
    ModelRelease signed =
        ModelRelease.newBuilder(release).setKeyId(keyId).setSignature(null).build();
    signed.setSignature(ByteBuffer.wrap(signBytes(ReleaseSigning.signedBytes(signed))));
    return signed;
  }

  private byte[] signBytes(byte[] bytes) {
    try {
      Signature s = Signature.getInstance(ReleaseSigning.ALGORITHM);
      s.initSign(privateKey);
      s.update(bytes);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }
}

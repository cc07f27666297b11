package io.modstream.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The public keys whose signatures a reader of releases trusts, by key id. Two keys at once let an
 * operator rotate: trust the new key everywhere, sign with it, then drop the old one. Immutable and
 * thread-safe.
 */
public final class TrustedKeys {

  private final Map<String, PublicKey> keys;

  private TrustedKeys(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  /**
   * Reads public key files (see {@link ReleaseSigning} for the format).
   *
   * @param files the files; none gives an empty set
   * @return the keys
   * @throws IOException if a file cannot be read or holds no Ed25519 public key
   */
  public static TrustedKeys read(Collection<Path> files) throws IOException {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (Path file : files) {
      PublicKey key = ReleaseSigning.readPublicKey(file);
      keys.put(ReleaseSigning.keyId(key), key);
    }
    return new TrustedKeys(keys);
  }

  /**
   * Returns a set of keys.
   *
   * @param keys Ed25519 public keys
   * @return the set
   */
  public static TrustedKeys of(Collection<PublicKey> keys) {
    Map<String, PublicKey> byId = new LinkedHashMap<>();
    keys.forEach(k -> byId.put(ReleaseSigning.keyId(k), k));
    return new TrustedKeys(byId);
  }

  /**
   * Returns the ids of the trusted keys.
   *
   * @return the ids
   */
  public Set<String> ids() {
    return keys.keySet();
  }

  /**
   * Returns whether no key is trusted.
   *
   * @return true for an empty set
   */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * Checks that a release is signed by one of these keys over its current values.
   *
   * @param release the release
   * @throws UntrustedReleaseException if it is unsigned, signed by an unknown key, or its signature
   *     does not match
   */
  public void verify(ModelRelease release) throws UntrustedReleaseException {
    String what = "release " + release.getModelName() + " " + release.getVersion();
    if (release.getSignature() == null || release.getKeyId() == null) {
      throw new UntrustedReleaseException(
          UntrustedReleaseException.Reason.UNSIGNED,
          what
              + " is unsigned (no signature or key_id): publish releases with 'trainer release"
              + " --signing-key FILE' (the retraining service takes --signing-key too), or set"
              + " model.require.signature=false while moving to signed releases");
    }
    PublicKey key = keys.get(release.getKeyId());
    if (key == null) {
      throw new UntrustedReleaseException(
          UntrustedReleaseException.Reason.UNKNOWN_KEY,
          what
              + " is signed by key "
              + release.getKeyId()
              + ", which is not trusted (trusted: "
              + String.join(", ", keys.keySet())
              + "): if that key is yours, add its public key file to model.trusted.keys;"
              + " otherwise someone else wrote this release to the topic");
    }
    ByteBuffer sig = release.getSignature().duplicate();
    byte[] signature = new byte[sig.remaining()];
    sig.get(signature);
    byte[] signed;
    try {
      signed = ReleaseSigning.signedBytes(release);
    } catch (IllegalArgumentException e) {
      signed = null;
    }
    if (signed == null || !verifies(key, signed, signature)) {
      throw new UntrustedReleaseException(
          UntrustedReleaseException.Reason.BAD_SIGNATURE,
          what
              + " carries a signature by key "
              + release.getKeyId()
              + " that does not match its model_name, version, bundle_sha256, created_at and"
              + " key_id: the record was changed after signing, or forged; publish the release"
              + " again with the trainer");
    }
  }

  /** Whether {@code signature} is a valid Ed25519 signature of {@code data} by {@code key}. */
  static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance(ReleaseSigning.ALGORITHM);
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      // A malformed signature (wrong length, not a curve point) verifies nothing.
      return false;
    }
  }
}

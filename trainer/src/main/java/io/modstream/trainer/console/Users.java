package io.modstream.trainer.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The reviewers who may sign in: one {@code name hash} line each, the hash from {@link
 * #hash(char[])} ({@code trainer console hash-password}). PBKDF2 with HMAC-SHA256 from the JDK, so
 * the file holds no password and needs no extra library. Immutable.
 */
public final class Users {

  private static final String SCHEME = "pbkdf2-sha256";
  private static final int ITERATIONS = 600_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  /**
   * Compared against when the name is unknown, so a wrong name costs as long as a wrong password.
   */
  private static final String DUMMY =
      SCHEME + "$1000$AAAAAAAAAAAAAAAAAAAAAA==$" + "A".repeat(43) + "=";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> hashes;

  private Users(Map<String, String> hashes) {
    this.hashes = Map.copyOf(hashes);
  }

  /**
   * Reads a users file: {@code name hash} per line, blank lines and {@code #} comments ignored.
   *
   * @param file the file
   * @return the users
   * @throws IOException if the file cannot be read or a line is malformed
   */
  public static Users read(Path file) throws IOException {
    Map<String, String> hashes = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2 || !parts[1].startsWith(SCHEME + "$")) {
        throw new IOException(
            file
                + " line "
                + (i + 1)
                + ": expected 'NAME "
                + SCHEME
                + "$...'; make the hash with 'trainer console hash-password'");
      }
      hashes.put(parts[0], parts[1]);
    }
    if (hashes.isEmpty()) {
      throw new IOException(
          file + " lists no reviewer; add 'NAME HASH' lines ('trainer console hash-password')");
    }
    return new Users(hashes);
  }

  /**
   * Returns users from names and hashes (tests, embedding).
   *
   * @param hashes name to hash from {@link #hash(char[])}
   * @return the users
   */
  public static Users of(Map<String, String> hashes) {
    return new Users(hashes);
  }

  /**
   * Hashes a password with a fresh random salt.
   *
   * @param password the password
   * @return {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, salt and hash in Base64
   */
  public static String hash(char[] password) {
    return hash(password, ITERATIONS);
  }

  /**
   * Hashes a password with a chosen iteration count (tests use few, to stay fast).
   *
   * @param password the password
   * @param iterations PBKDF2 iterations
   * @return the encoded hash
   */
  public static String hash(char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    return String.format(
        Locale.ROOT,
        "%s$%d$%s$%s",
        SCHEME,
        iterations,
        b64.encodeToString(salt),
        b64.encodeToString(pbkdf2(password, salt, iterations)));
  }

  /**
   * Checks a name and password.
   *
   * @param name the reviewer's name
   * @param password the password
   * @return whether the name is listed with that password
   */
  public boolean verify(String name, char[] password) {
    String stored = name == null ? null : hashes.get(name);
    boolean known = stored != null;
    String[] parts = (known ? stored : DUMMY).split("\\$");
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      boolean same = MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
      return known && same;
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no PBKDF2WithHmacSHA256: " + e.getMessage(), e);
    }
  }
}

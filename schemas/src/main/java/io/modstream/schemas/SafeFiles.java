package io.modstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * SHA-256 digests and directories that appear whole or not at all: what model bundles need wherever
 * they are written (the trainer's output, a release store, a bundle reassembled from Kafka).
 */
public final class SafeFiles {

  private SafeFiles() {}

  /**
   * Digests bytes.
   *
   * @param bytes the bytes
   * @return the SHA-256 in lower-case hex
   */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  /**
   * Digests a file.
   *
   * @param file the file
   * @return the SHA-256 in lower-case hex
   * @throws IOException on read failure
   */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Writes files into a temporary sibling of {@code dir}, then renames it into place, so a reader
   * never sees a half-written directory. The directory is made readable by other users (temporary
   * directories are created owner-only, and bundles are read by other services).
   *
   * @param dir the directory to create; it must not exist or must be empty
   * @param files file name to content, written in this order
   * @param last a file of {@code files} to write after all others (a manifest: a reader that finds
   *     it finds every file it lists), or null
   * @throws IOException on write failure, or if a file name is not a plain name
   */
  public static void writeDirectory(Path dir, Map<String, byte[]> files, String last)
      throws IOException {
    for (String name : files.keySet()) {
      if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw new IOException("refusing file name '" + name + "' in " + dir);
      }
    }
    Path absolute = dir.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent == null) {
      throw new IOException("cannot write a directory at the file system root: " + dir);
    }
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp");
    try {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        if (!f.getKey().equals(last)) {
          Files.write(tmp.resolve(f.getKey()), f.getValue());
        }
      }
      if (last != null) {
        Files.write(tmp.resolve(last), files.get(last));
      }
      if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.deleteIfExists(absolute);
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute);
      }
    } finally {
      deleteRecursively(tmp);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}

package io.modstream.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs for one broker's directory, which the scenario fills with a ballast file and frees
 * again. Mounted in the suite's own mount namespace (ops/chaos starts it under {@code unshare}), so
 * nothing outside the suite sees it, and it goes away with the suite even if cleanup fails.
 */
final class Disk implements Stoppable {

  private final String size;
  private Path mountPoint;

  Disk(String size) {
    this.size = size;
  }

  void mount(Path dir) throws IOException {
    Files.createDirectories(dir);
    Shell.run("mount", "-t", "tmpfs", "-o", "size=" + size, "modstream-chaos-disk", dir.toString());
    mountPoint = dir;
  }

  /**
   * Fills the disk with a ballast file until {@code leave} bytes are free.
   *
   * @return the ballast's size
   */
  long fill(long leave) throws IOException {
    Path ballast = mountPoint.resolve("ballast");
    long target = Files.getFileStore(mountPoint).getUsableSpace() - leave;
    byte[] chunk = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(ballast)) {
      while (written + chunk.length <= target) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException e) {
      // The broker's writes share the disk: full a little earlier than planned is full too.
      return written;
    }
    return written;
  }

  long free() throws IOException {
    Files.deleteIfExists(mountPoint.resolve("ballast"));
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  @Override
  public void close() {
    if (mountPoint != null) {
      Shell.quiet("umount", "-l", mountPoint.toString());
      mountPoint = null;
    }
  }
}

package io.modstream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;

/**
 * The local stack's secured broker ({@code ops/run-local --secure}): one SCRAM user per modstream
 * principal (scorer for the streams app, trainer for the retraining service and the console,
 * producer for the publishing tools) with a password generated on the first start, the
 * least-privilege ACLs of {@link ModstreamAcls}, and a client config file per principal, admin
 * included, that any client takes as {@code --client-config}. Secrets are written readable by their
 * owner only.
 */
public final class SecuredStack {

  /** The streams app's principal. */
  public static final String SCORER = "scorer";

  /** The retraining service's and the console's principal. */
  public static final String TRAINER = "trainer";

  /** The publishing tools' principal. */
  public static final String PRODUCER = "producer";

  /** The streams app's {@code application.id}, which its group and internal-topic ACLs name. */
  public static final String APPLICATION_ID = "modstream-scorer";

  private static final List<String> USERS = List.of(SCORER, TRAINER, PRODUCER);
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecuredStack() {}

  /**
   * Starts (or restarts) the secured broker, grants the ACLs and writes the client config files.
   *
   * @param dataDir the broker's directory; the users' passwords are kept in its {@code
   *     users.properties}, since the users are created when it is formatted
   * @param port the client port, or 0 for a free one
   * @param heap the broker JVM's maximum heap
   * @param clientsDir where {@code <principal>.properties} are written
   * @return the running broker
   * @throws IOException if the broker cannot start or a file cannot be written
   * @throws ExecutionException if the broker refuses the ACLs
   * @throws InterruptedException if interrupted
   */
  public static LocalKafka start(Path dataDir, int port, String heap, Path clientsDir)
      throws IOException, ExecutionException, InterruptedException {
    Files.createDirectories(dataDir);
    Map<String, String> users = passwords(dataDir.resolve("users.properties"));
    LocalKafka kafka = LocalKafka.startSecured(dataDir, port, heap, users);
    try {
      Files.createDirectories(clientsDir);
      writeClientConfig(
          clientsDir.resolve(BrokerSecurity.ADMIN + ".properties"), kafka.adminSettings());
      for (String user : USERS) {
        writeClientConfig(
            clientsDir.resolve(user + ".properties"), kafka.clientSettings(user, users.get(user)));
      }
      Map<String, Object> admin = new LinkedHashMap<>(kafka.adminSettings());
      admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (Admin client = Admin.create(admin)) {
        ModstreamAcls.apply(client, acls());
      }
    } catch (IOException | ExecutionException | RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /**
   * The ACLs of the stack's principals on the default topic names.
   *
   * @return the bindings
   */
  public static List<AclBinding> acls() {
    ModstreamAcls.Topics topics = ModstreamAcls.Topics.defaults();
    List<AclBinding> acls = new ArrayList<>();
    acls.addAll(ModstreamAcls.streamsApp("User:" + SCORER, APPLICATION_ID, topics));
    acls.addAll(ModstreamAcls.trainer("User:" + TRAINER, topics));
    acls.addAll(ModstreamAcls.console("User:" + TRAINER, topics));
    acls.addAll(ModstreamAcls.producer("User:" + PRODUCER, topics));
    return List.copyOf(acls);
  }

  /**
   * Reads the users' passwords, generating the file (owner-only) on the first start.
   *
   * @param file the passwords file
   * @return user name to password, for every principal
   * @throws IOException if it cannot be read or written
   */
  static Map<String, String> passwords(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
    }
    Map<String, String> users = new LinkedHashMap<>();
    for (String user : USERS) {
      String password = p.getProperty(user);
      if (password == null) {
        if (Files.exists(file)) {
          throw new IllegalStateException(
              file
                  + " has no password for "
                  + user
                  + ", so the broker formatted with it lacks that user; remove the broker's"
                  + " directory "
                  + file.getParent()
                  + " to start afresh");
        }
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        password = HexFormat.of().formatHex(b);
      }
      users.put(user, password);
    }
    if (!Files.exists(file)) {
      StringBuilder text =
          new StringBuilder("# The secured local broker's SCRAM users (modstream SecuredStack)\n");
      users.forEach((u, pw) -> text.append(u).append('=').append(pw).append('\n'));
      writePrivate(file, text.toString());
    }
    return users;
  }

  /**
   * Writes a client config file: one {@code key=value} line a setting, readable by its owner only.
   *
   * @param file the file
   * @param settings the settings
   * @throws IOException if it cannot be written
   */
  static void writeClientConfig(Path file, Map<String, String> settings) throws IOException {
    StringBuilder text =
        new StringBuilder(
            "# Kafka client settings of one principal of the secured local stack; give this file"
                + " as --client-config\n");
    new TreeMap<>(settings).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    writePrivate(file, text.toString());
  }

  /** Writes a file that only its owner may read, through a temporary file and a rename. */
  static void writePrivate(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's own protection is all there is
      Files.createFile(tmp);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("could not replace " + tmp, e);
    }
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

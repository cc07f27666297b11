package io.modstream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A secured broker's TLS keys and SCRAM users: a PKCS12 key store with a self-signed certificate
 * for localhost and 127.0.0.1 and a trust store holding that certificate, made with the JDK's
 * keytool on first start and kept in the broker's {@code tls} directory with their generated
 * passwords.
 */
final class BrokerSecurity {

  /** The super user, who creates topics and ACLs. */
  static final String ADMIN = "admin";

  /** The clients' listener and its security protocol. */
  static final String LISTENER = "SASL_SSL";

  static final String MECHANISM = "SCRAM-SHA-512";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path keyStore;
  private final Path trustStore;
  private final String storePassword;
  private final String adminPassword;
  private final Map<String, String> users;

  private BrokerSecurity(
      Path keyStore,
      Path trustStore,
      String storePassword,
      String adminPassword,
      Map<String, String> users) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
    this.storePassword = storePassword;
    this.adminPassword = adminPassword;
    this.users = users;
  }

  static BrokerSecurity create(Path dir, Map<String, String> users) throws IOException {
    for (String name : users.keySet()) {
      // SCRAM credentials are given to the storage tool as name=...,password=... lists
      if (!name.matches("[A-Za-z0-9_.-]+") || ADMIN.equals(name)) {
        throw new IllegalArgumentException(
            "SCRAM user name '" + name + "': use letters, digits, '.', '_' or '-', not admin");
      }
    }
    Path tls = dir.resolve("tls");
    Files.createDirectories(tls);
    Path secrets = tls.resolve("secrets.properties");
    Properties s = new Properties();
    if (Files.exists(secrets)) {
      try (Reader r = Files.newBufferedReader(secrets, StandardCharsets.UTF_8)) {
        s.load(r);
      }
    } else {
      s.setProperty("store.password", randomSecret());
      s.setProperty("admin.password", randomSecret());
      StringWriter w = new StringWriter();
      s.store(w, "written by modstream LocalKafka: the broker's generated passwords");
      SecuredStack.writePrivate(secrets, w.toString());
    }
    BrokerSecurity security =
        new BrokerSecurity(
            tls.resolve("broker.p12"),
            tls.resolve("truststore.p12"),
            s.getProperty("store.password"),
            s.getProperty("admin.password"),
            Map.copyOf(users));
    if (!Files.exists(security.trustStore)) {
      security.makeKeys(tls);
      // keytool leaves the key store to the umask; it holds the broker's private key
      try {
        Files.setPosixFilePermissions(
            security.keyStore, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own protection is all there is
      }
    }
    return security;
  }

  private void makeKeys(Path tls) throws IOException {
    Path cert = tls.resolve("broker.crt");
    keytool(
        "-genkeypair",
        "-alias",
        "localhost",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "825",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        storePassword,
        "-keypass",
        storePassword);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "localhost",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        storePassword,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "localhost",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        trustStore.toString(),
        "-storepass",
        storePassword);
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + out);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the broker's TLS keys", e);
    }
  }

  private static String randomSecret() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Replaces the plaintext client listener with SASL_SSL and turns on the authorizer. */
  void secure(Properties p, int port) {
    p.put("listeners", LISTENER + "://127.0.0.1:" + port + "," + controllerListener(p));
    p.put("advertised.listeners", LISTENER + "://127.0.0.1:" + port);
    // The controller listener stays PLAINTEXT on loopback, so the node's own broker reaches its
    // controller as ANONYMOUS, which must be a super user to register; on a real cluster secure
    // that listener too.
    p.put("listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", LISTENER);
    p.put("sasl.enabled.mechanisms", MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(ADMIN, adminPassword));
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", keyStore.toString());
    p.put("ssl.keystore.password", storePassword);
    p.put("ssl.key.password", storePassword);
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", trustStore.toString());
    p.put("ssl.truststore.password", storePassword);
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
    p.put("allow.everyone.if.no.acl.found", "false");
  }

  private static String controllerListener(Properties p) {
    for (String l : p.getProperty("listeners").split(",")) {
      if (l.startsWith("CONTROLLER://")) {
        return l;
      }
    }
    throw new IllegalStateException("no CONTROLLER listener in " + p.getProperty("listeners"));
  }

  /** The storage tool's {@code --add-scram} arguments: the admin and every user. */
  List<String> scramArguments() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(ADMIN, adminPassword);
    all.putAll(users);
    List<String> args = new ArrayList<>();
    all.forEach(
        (name, password) -> {
          args.add("--add-scram");
          args.add(MECHANISM + "=[name=" + name + ",password=" + password + "]");
        });
    return args;
  }

  Map<String, String> clientSettings(String user, String password) {
    return Map.of(
        "security.protocol",
        LISTENER,
        "sasl.mechanism",
        MECHANISM,
        "sasl.jaas.config",
        jaas(user, password),
        "ssl.truststore.type",
        "PKCS12",
        "ssl.truststore.location",
        trustStore.toString(),
        "ssl.truststore.password",
        storePassword);
  }

  Map<String, String> adminSettings() {
    return clientSettings(ADMIN, adminPassword);
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }
}

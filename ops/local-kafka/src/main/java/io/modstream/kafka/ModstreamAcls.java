package io.modstream.kafka;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least-privilege ACLs of modstream's principals on a cluster whose authorizer denies whatever
 * no ACL allows: what the streams app, the retraining service and the producing tools may do, and
 * nothing more. Only the trainer may write releases and bundles, so a stolen app or producer
 * credential cannot put a model into production. {@code ops/kafka-acls} prints or applies them.
 */
public final class ModstreamAcls {

  private ModstreamAcls() {}

  private static final String USAGE =
      "usage: ops/kafka-acls [--app User:NAME] [--application-id ID] [--trainer User:NAME]"
          + " [--console User:NAME] [--producer User:NAME]"
          + " [--apply --bootstrap HOST:PORT --command-config FILE]\n"
          + "Prints the least-privilege ACLs of the given principals for the default topic names;"
          + " with --apply creates them, as the admin whose client settings (security.protocol,"
          + " sasl.*, ssl.*) FILE holds.";

  /**
   * Prints the ACLs of the principals given, or creates them with {@code --apply}.
   *
   * @param args see {@code ops/kafka-acls --help}
   * @throws Exception if the cluster refuses the ACLs or the client settings cannot be read
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--apply")) {
        opts.put(a, "true");
      } else if (a.startsWith("--") && i + 1 < args.length && !a.equals("--help")) {
        opts.put(a, args[++i]);
      } else {
        System.err.println(USAGE);
        System.exit(a.equals("--help") || a.equals("-h") ? 0 : 2);
      }
    }
    Topics topics = Topics.defaults();
    List<AclBinding> acls = new ArrayList<>();
    if (opts.containsKey("--app")) {
      acls.addAll(
          streamsApp(
              opts.get("--app"),
              opts.getOrDefault("--application-id", "modstream-scorer"),
              topics));
    }
    if (opts.containsKey("--trainer")) {
      acls.addAll(trainer(opts.get("--trainer"), topics));
    }
    if (opts.containsKey("--console")) {
      acls.addAll(console(opts.get("--console"), topics));
    }
    if (opts.containsKey("--producer")) {
      acls.addAll(producer(opts.get("--producer"), topics));
    }
    if (acls.isEmpty()) {
      System.err.println(USAGE);
      System.exit(2);
    }
    describe(acls).forEach(System.out::println);
    if (opts.containsKey("--apply")) {
      Properties client = new Properties();
      if (opts.containsKey("--command-config")) {
        try (Reader r =
            Files.newBufferedReader(
                Path.of(opts.get("--command-config")), StandardCharsets.UTF_8)) {
          client.load(r);
        }
      }
      client.put(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          opts.getOrDefault("--bootstrap", "127.0.0.1:9092"));
      try (Admin admin = Admin.create(client)) {
        apply(admin, acls);
      }
      System.out.println("created " + acls.size() + " ACLs");
    }
  }

  /**
   * The topics the ACLs name: the defaults of the app's {@code topic.*} and {@code releases.topic}
   * keys unless changed.
   *
   * @param comments the comments the app reads and the producers write
   * @param labels the label events
   * @param flaggedPrefix the prefix of the per-label flagged topics
   * @param dlq the dead letters
   * @param feedback the moderators' corrections the trainer reads
   * @param releases the model releases
   * @param bundles the model bundles' chunks
   */
  public record Topics(
      String comments,
      String labels,
      String flaggedPrefix,
      String dlq,
      String feedback,
      String releases,
      String bundles) {

    /**
     * The default topic names.
     *
     * @return the defaults
     */
    public static Topics defaults() {
      return new Topics(
          "comments",
          "comment-labels",
          "comments-flagged-",
          "comments-dlq",
          "comment-feedback",
          "model-releases",
          "model-bundles");
    }
  }

  /**
   * The streams app's ACLs: read comments, write label, flagged and dead-letter topics, its own
   * internal topics, group and transactional ids (all named after its application id), and read
   * releases and bundles. The topics must exist: the app gets no CREATE on them.
   *
   * @throws IllegalArgumentException if a topic's name starts with {@code <applicationId>-}
   * @param principal for example {@code User:scorer}
   * @param applicationId the app's {@code application.id}
   * @param topics the topic names
   * @return the bindings
   */
  public static List<AclBinding> streamsApp(String principal, String applicationId, Topics topics) {
    String internal = applicationId + "-";
    for (String t :
        List.of(
            topics.comments(),
            topics.labels(),
            topics.flaggedPrefix(),
            topics.dlq(),
            topics.feedback(),
            topics.releases(),
            topics.bundles())) {
      // the internal-topic ACL is a prefix: it would let the app write such a topic
      if (t.startsWith(internal)) {
        throw new IllegalArgumentException(
            "topic '"
                + t
                + "' starts with '"
                + internal
                + "', the prefix of the app's internal topics, which it may write; rename the"
                + " topic or change application.id");
      }
    }
    List<AclBinding> acls = new ArrayList<>();
    topic(acls, principal, topics.comments(), PatternType.LITERAL, AclOperation.READ);
    for (String t : List.of(topics.labels(), topics.dlq())) {
      topic(acls, principal, t, PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE);
    }
    topic(
        acls,
        principal,
        topics.flaggedPrefix(),
        PatternType.PREFIXED,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    // Kafka Streams names its changelog and repartition topics <application.id>-...
    topic(
        acls,
        principal,
        internal,
        PatternType.PREFIXED,
        AclOperation.CREATE,
        AclOperation.READ,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    add(acls, principal, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ);
    // exactly_once_v2 producers use transactional ids <application.id>-<process id>-<thread>
    add(
        acls,
        principal,
        ResourceType.TRANSACTIONAL_ID,
        internal,
        PatternType.PREFIXED,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    for (String t : List.of(topics.releases(), topics.bundles())) {
      topic(acls, principal, t, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE);
    }
    return List.copyOf(acls);
  }

  /**
   * The retraining service's ACLs: read feedback, and read and write releases and bundles; it reads
   * with assigned partitions, so it needs no group.
   *
   * @param principal for example {@code User:trainer}
   * @param topics the topic names
   * @return the bindings
   */
  public static List<AclBinding> trainer(String principal, Topics topics) {
    List<AclBinding> acls = new ArrayList<>();
    topic(acls, principal, topics.feedback(), PatternType.LITERAL, AclOperation.READ);
    for (String t : List.of(topics.releases(), topics.bundles())) {
      topic(
          acls,
          principal,
          t,
          PatternType.LITERAL,
          AclOperation.READ,
          AclOperation.WRITE,
          AclOperation.DESCRIBE);
    }
    return List.copyOf(acls);
  }

  /**
   * The moderators' console's ACLs ({@code trainer console}, usually as the trainer's principal):
   * read comments, label events, the per-label topics and feedback, and write verdicts to feedback;
   * it reads with assigned partitions, so it needs no group. Pinning a version in the console
   * publishes a release, which the {@link #trainer} ACLs allow.
   *
   * @param principal for example {@code User:trainer}
   * @param topics the topic names
   * @return the bindings
   */
  public static List<AclBinding> console(String principal, Topics topics) {
    List<AclBinding> acls = new ArrayList<>();
    for (String t : List.of(topics.comments(), topics.labels())) {
      topic(acls, principal, t, PatternType.LITERAL, AclOperation.READ);
    }
    topic(acls, principal, topics.flaggedPrefix(), PatternType.PREFIXED, AclOperation.READ);
    topic(
        acls,
        principal,
        topics.feedback(),
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    return List.copyOf(acls);
  }

  /**
   * The producing tools' ACLs ({@code ops/produce}, {@code ops/feedback}): write comments and
   * feedback.
   *
   * @param principal for example {@code User:producer}
   * @param topics the topic names
   * @return the bindings
   */
  public static List<AclBinding> producer(String principal, Topics topics) {
    List<AclBinding> acls = new ArrayList<>();
    for (String t : List.of(topics.comments(), topics.feedback())) {
      topic(acls, principal, t, PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE);
    }
    return List.copyOf(acls);
  }

  /**
   * Creates the bindings on the cluster; existing ones are kept.
   *
   * @param admin a client of a super user or of a principal with ALTER on the cluster
   * @param acls the bindings
   * @throws ExecutionException if the cluster refuses
   * @throws InterruptedException if interrupted
   */
  public static void apply(Admin admin, List<AclBinding> acls)
      throws ExecutionException, InterruptedException {
    admin.createAcls(acls).all().get();
  }

  /**
   * One line per binding, as {@code kafka-acls --list} shows them.
   *
   * @param acls the bindings
   * @return the lines
   */
  public static List<String> describe(List<AclBinding> acls) {
    return acls.stream()
        .map(
            b ->
                String.format(
                    "%s %s %s on %s %s '%s'",
                    b.entry().principal(),
                    b.entry().permissionType(),
                    b.entry().operation(),
                    b.pattern().resourceType(),
                    b.pattern().patternType(),
                    b.pattern().name()))
        .toList();
  }

  private static void topic(
      List<AclBinding> acls,
      String principal,
      String name,
      PatternType pattern,
      AclOperation... operations) {
    add(acls, principal, ResourceType.TOPIC, name, pattern, operations);
  }

  private static void add(
      List<AclBinding> acls,
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation... operations) {
    if (!principal.startsWith("User:")) {
      throw new IllegalArgumentException(
          "principal '" + principal + "' must name a user, for example User:scorer");
    }
    for (AclOperation op : operations) {
      acls.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
    }
  }
}

package io.ddlcast.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least-privilege ACLs of each ddlcast component, as docs/security.md gives them: {@link #grants} are the
 * bindings a test creates, {@link #kafkaAclsCommands} the same as {@code kafka-acls.sh} commands, so the guide and
 * the test cannot disagree. Names are those of {@code io.ddlcast.common.kafka.Topics} for topic {@code T}:
 *
 * <ul>
 *   <li>producer: write {@code T}, read and write {@code T.checkpoints} (its own state), create and describe both
 *       (and read {@code T}'s configuration: it refuses a topic that would delete history), write and describe its
 *       transactional ids ({@code ddlcast.producer.T.*}); {@code producer snapshot} runs as it: read its
 *       checkpoints, write {@code T.snapshots} (and read it: the history guard accepts finite retention that a
 *       snapshot covers).
 *   <li>applier of standby {@code S}: read {@code T} in its group {@code ddlcast.applier.S}; write
 *       {@code T.results} and {@code T.dead-letter}; read {@code T.control}; its status stream (application
 *       {@code ddlcast.status.T.S}) reads {@code T.results}, writes {@code T.standbys} and owns its internal topics
 *       ({@code ddlcast.status.T.S-*}); create the status topics it finds missing. Nothing else: it cannot write
 *       {@code T}. {@code --from-snapshot} reads {@code T.snapshots}.
 *   <li>operator ({@code status}, {@code wait}, {@code retry}, {@code skip}): read {@code T}, {@code T.standbys},
 *       {@code T.checkpoints}; write {@code T.control}; describe the status topics and the appliers' groups (their
 *       committed offsets are the standbys' positions).
 * </ul>
 */
public final class DdlcastAcls {
  /** One allow rule: a principal may do these operations on the resources that match. */
  public record Grant(String principal, ResourceType type, PatternType pattern, String name,
      List<AclOperation> operations) {
    List<AclBinding> bindings() {
      List<AclBinding> out = new ArrayList<>();
      for (AclOperation operation : operations) {
        out.add(new AclBinding(new ResourcePattern(type, name, pattern),
            new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
      }
      return out;
    }

    /** The same as a kafka-acls.sh command. */
    String command() {
      StringBuilder line = new StringBuilder("kafka-acls.sh --bootstrap-server $KAFKA --command-config admin.properties"
          + " --add --allow-principal " + principal);
      for (AclOperation operation : operations) {
        line.append(" --operation ").append(camel(operation.name()));
      }
      switch (type) {
        case TOPIC -> line.append(" --topic ").append(name);
        case GROUP -> line.append(" --group ").append(name);
        case TRANSACTIONAL_ID -> line.append(" --transactional-id ").append(name);
        case CLUSTER -> line.append(" --cluster");
        default -> throw new IllegalStateException("no kafka-acls.sh option for " + type);
      }
      if (pattern == PatternType.PREFIXED) {
        line.append(" --resource-pattern-type prefixed");
      }
      return line.toString();
    }
  }

  private static final List<AclOperation> READ = List.of(AclOperation.READ, AclOperation.DESCRIBE);
  private static final List<AclOperation> READ_WRITE_CREATE = List.of(AclOperation.READ, AclOperation.WRITE,
      AclOperation.DESCRIBE, AclOperation.CREATE);
  private static final List<AclOperation> WRITE_CREATE = List.of(AclOperation.WRITE, AclOperation.DESCRIBE,
      AclOperation.CREATE);

  private DdlcastAcls() {}

  public static List<Grant> producer(String principal, String topic) {
    return List.of(
        topic(principal, topic, List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE,
            AclOperation.DESCRIBE_CONFIGS)),
        topic(principal, topic + ".checkpoints", List.of(AclOperation.READ, AclOperation.WRITE,
            AclOperation.DESCRIBE, AclOperation.CREATE)),
        new Grant(principal, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, "ddlcast.producer." + topic + ".",
            List.of(AclOperation.WRITE, AclOperation.DESCRIBE)),
        topic(principal, topic + ".generations", READ_WRITE_CREATE),
        new Grant(principal, ResourceType.TRANSACTIONAL_ID, PatternType.LITERAL, "ddlcast.generations." + topic,
            List.of(AclOperation.WRITE, AclOperation.DESCRIBE)),
        topic(principal, topic + ".snapshots", READ_WRITE_CREATE));
  }

  public static List<Grant> applier(String principal, String topic, String standby) {
    String application = "ddlcast.status." + topic + "." + standby;
    return List.of(
        topic(principal, topic, READ),
        new Grant(principal, ResourceType.GROUP, PatternType.LITERAL, "ddlcast.applier." + standby, READ),
        topic(principal, topic + ".results", List.of(AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE,
            AclOperation.CREATE)),
        topic(principal, topic + ".dead-letter", WRITE_CREATE),
        topic(principal, topic + ".standbys", WRITE_CREATE),
        topic(principal, topic + ".control", List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE)),
        new Grant(principal, ResourceType.GROUP, PatternType.LITERAL, application, READ),
        new Grant(principal, ResourceType.TOPIC, PatternType.PREFIXED, application + "-", List.of(AclOperation.ALL)),
        topic(principal, topic + ".generations", READ_WRITE_CREATE),
        topic(principal, topic + ".snapshots", READ));
  }

  public static List<Grant> operator(String principal, String topic) {
    return List.of(
        topic(principal, topic, READ),
        topic(principal, topic + ".standbys", READ),
        topic(principal, topic + ".checkpoints", READ),
        topic(principal, topic + ".control", List.of(AclOperation.WRITE, AclOperation.DESCRIBE)),
        topic(principal, topic + ".results", List.of(AclOperation.DESCRIBE)),
        topic(principal, topic + ".dead-letter", List.of(AclOperation.DESCRIBE)),
        new Grant(principal, ResourceType.GROUP, PatternType.PREFIXED, "ddlcast.applier.",
            List.of(AclOperation.READ, AclOperation.DESCRIBE)),
        topic(principal, topic + ".generations", List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)),
        new Grant(principal, ResourceType.TRANSACTIONAL_ID, PatternType.LITERAL, "ddlcast.generations." + topic,
            List.of(AclOperation.WRITE, AclOperation.DESCRIBE)),
        new Grant(principal, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, "ddlcast.producer." + topic + ".",
            List.of(AclOperation.WRITE, AclOperation.DESCRIBE)));
  }

  private static Grant topic(String principal, String name, List<AclOperation> operations) {
    return new Grant(principal, ResourceType.TOPIC, PatternType.LITERAL, name, operations);
  }

  /** Creates the grants' ACLs through {@code admin} (a super user's client). */
  public static void create(Admin admin, List<Grant> grants) {
    List<AclBinding> bindings = new ArrayList<>();
    grants.forEach(g -> bindings.addAll(g.bindings()));
    try {
      admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new TestkitException("cannot create ACLs: " + e.getMessage(), e);
    }
  }

  /** The grants as kafka-acls.sh commands, one a line. */
  public static String kafkaAclsCommands(List<Grant> grants) {
    StringBuilder out = new StringBuilder();
    grants.forEach(g -> out.append(g.command()).append('\n'));
    return out.toString();
  }

  private static String camel(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.toLowerCase(Locale.ROOT).split("_")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }
}

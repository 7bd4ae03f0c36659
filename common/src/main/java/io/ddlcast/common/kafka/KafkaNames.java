package io.ddlcast.common.kafka;

import io.ddlcast.common.cli.Problems;
import java.util.regex.Pattern;

/** Validation of the Kafka settings every command shares, reported in the shape of {@link Problems}. */
public final class KafkaNames {
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
  private static final Pattern HOST_PORT = Pattern.compile("[^\\s,:\\[\\]]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}");

  private KafkaNames() {}

  /** The bootstrap list without blanks, or null after recording what is wrong with it. */
  public static String checkBootstrap(String value, Problems problems) {
    if (value == null || value.isBlank()) {
      problems.missing("--bootstrap-servers", "the Kafka brokers to use, as HOST:PORT[,HOST:PORT...]");
      return null;
    }
    String trimmed = value.replace(" ", "");
    boolean ok = true;
    for (String server : trimmed.split(",", -1)) {
      if (!HOST_PORT.matcher(server).matches()) {
        problems.invalid("--bootstrap-servers", value, "'" + server + "' is not HOST:PORT");
        ok = false;
      }
    }
    return ok ? trimmed : null;
  }

  public static void checkTopic(String topic, Problems problems) {
    if (!isLegal(topic)) {
      problems.invalid("--topic", topic, "a Kafka topic name has 1-200 of the characters a-z A-Z 0-9 . _ -");
    }
  }

  /** A name that becomes part of Kafka names (a standby's consumer group, a source's transactional id). */
  public static void checkName(String option, String name, Problems problems) {
    if (!isLegal(name)) {
      problems.invalid(option, name, "use letters, digits, '.', '_' and '-'");
    }
  }

  /** Legal as a topic name, and therefore in the names ddlcast derives from it (transactional ids, groups). */
  public static boolean isLegal(String name) {
    return name != null && TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }
}

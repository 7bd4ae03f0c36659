package io.ddlcast.producer.primary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The primary settings ddlcast reads the log by, each with the value it needs, why, and the SQL that sets it. The
 * producer refuses to run when one marked essential is wrong (it would read nothing, or misread), and warns about
 * the others; {@code producer check} requires all of them.
 */
public final class PrimarySettings {
  /** One setting: its name, what it must be, whether the producer can run without it. */
  public record Rule(String name, String required, String fixValue, boolean essential, boolean restart,
      Predicate<String> ok, String why) {}

  /** A setting as the primary has it, judged. */
  public record Finding(Rule rule, String current, boolean ok) {
    public String fixSql() {
      return "ALTER SYSTEM SET " + rule.name() + " = '" + rule.fixValue() + "';"
          + (rule.restart() ? "  -- takes effect after a restart" : "");
    }
  }

  static final List<Rule> RULES = List.of(
      new Rule("logging_collector", "on", "on", true, true, "on"::equals, "the csvlog is written by the collector"),
      new Rule("log_destination", "includes csvlog", "csvlog", true, false, v -> v.contains("csvlog"),
          "the producer reads the csvlog"),
      new Rule("log_statement", "ddl (or mod, all)", "ddl", true, false, Set.of("ddl", "mod", "all")::contains,
          "DDL statements are logged"),
      new Rule("lc_messages", "C (or an English locale)", "C", true, false,
          v -> v.isEmpty() || v.startsWith("C") || v.startsWith("POSIX") || v.startsWith("en"),
          "the producer reads English message prefixes (statement:, duration:)"),
      new Rule("log_min_messages", "warning or lower (LOG passes)", "warning", true, false,
          v -> !Set.of("fatal", "panic").contains(v), "ddlcast's event trigger reports with RAISE LOG"),
      new Rule("log_duration", "on", "on", false, false, "on"::equals,
          "completion records settle COMMIT, ROLLBACK and auto-commit statements"),
      new Rule("log_disconnections", "on", "on", false, false, "on"::equals,
          "a session that ends inside a transaction rolled it back"),
      new Rule("update_process_title", "on", "on", false, false, "on"::equals,
          "completion records carry the command tag (COMMIT or ROLLBACK)"),
      new Rule("log_truncate_on_rotation", "off", "off", false, false, "off"::equals,
          "a rotation must not wipe a file the producer has not read"));

  private PrimarySettings() {}

  public static List<String> names() {
    return RULES.stream().map(Rule::name).toList();
  }

  public static List<Finding> judge(Map<String, String> current) {
    List<Finding> findings = new ArrayList<>();
    for (Rule rule : RULES) {
      String value = current.getOrDefault(rule.name(), "");
      findings.add(new Finding(rule, value, rule.ok().test(value)));
    }
    return findings;
  }
}

package io.ddlcast.testkit;

import java.util.HashMap;
import java.util.Map;

/**
 * One run of psql, as an operator runs it: as {@code user} (null: the superuser), with extra environment such as
 * {@code PGOPTIONS}, and either one string ({@code -c}, stopping at the first error: one implicit transaction) or a
 * script ({@code -f}: one statement at a time, going on after errors, as interactive psql does).
 */
public record PsqlRun(String database, String user, Map<String, String> env, String command, String script) {
  public static PsqlRun command(String database, String sql) {
    return new PsqlRun(database, null, Map.of(), sql, null);
  }

  public static PsqlRun script(String database, String script) {
    return new PsqlRun(database, null, Map.of(), null, script);
  }

  public PsqlRun as(String role) {
    return new PsqlRun(database, role, env, command, script);
  }

  public PsqlRun withEnv(String name, String value) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put(name, value);
    return new PsqlRun(database, user, Map.copyOf(copy), command, script);
  }
}

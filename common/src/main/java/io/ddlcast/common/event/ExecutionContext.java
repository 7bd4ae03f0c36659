package io.ddlcast.common.event;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a DDL statement ran under on the primary and must run under on a standby, which the csvlog does not show:
 * the effective role ({@code current_user}, after {@code SET ROLE}), the session role ({@code session_user}, after
 * {@code SET SESSION AUTHORIZATION}), the {@code search_path} (after {@code SET search_path}, role or database
 * defaults, {@code PGOPTIONS}) and the {@link SessionSetting}s that change what the statement creates. Reported by
 * ddlcast's event trigger on the primary. Any part may be null: unknown.
 *
 * <p>{@code settings} holds only the settings whose value differed from PostgreSQL's built-in one
 * ({@code pg_settings.boot_val}): a setting it does not name had its built-in value, and an empty map means all did.
 * Null means the settings are unknown (a helper older than version 3, a statement no event trigger reported); the
 * standby then runs the statement under its own session defaults.
 */
public record ExecutionContext(String role, String sessionRole, String searchPath,
    Map<SessionSetting, String> settings) {

  public ExecutionContext {
    if (settings != null) {
      EnumMap<SessionSetting, String> copy = new EnumMap<>(SessionSetting.class);
      settings.forEach((k, v) -> copy.put(k, Objects.requireNonNull(v, k.guc())));
      settings = Collections.unmodifiableMap(copy);
    }
  }

  /** A context whose settings are unknown. */
  public ExecutionContext(String role, String sessionRole, String searchPath) {
    this(role, sessionRole, searchPath, null);
  }

  /** The same context with its settings unknown (for statements that did not report their own). */
  public ExecutionContext withoutSettings() {
    return settings == null ? this : new ExecutionContext(role, sessionRole, searchPath, null);
  }

  public boolean isEmpty() {
    return role == null && sessionRole == null && searchPath == null && settings == null;
  }
}

package io.ddlcast.common.event;

/**
 * What a DDL statement ran under on the primary and must run under on a standby, which the csvlog does not show:
 * the effective role ({@code current_user}, after {@code SET ROLE}), the session role ({@code session_user}, after
 * {@code SET SESSION AUTHORIZATION}) and the {@code search_path} (after {@code SET search_path}, role or database
 * defaults, {@code PGOPTIONS}). Reported by ddlcast's event trigger on the primary. Any part may be null: unknown.
 */
public record ExecutionContext(String role, String sessionRole, String searchPath) {
  public boolean isEmpty() {
    return role == null && sessionRole == null && searchPath == null;
  }
}

package io.ddlcast.applier;

import io.ddlcast.common.event.SessionSetting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sets, for one replayed statement, the session settings that decide what it creates ({@link SessionSetting}) to
 * what they were on the primary: the event's value, or PostgreSQL's built-in one ({@code pg_settings.boot_val}) for
 * a setting the event does not name, since the producer sends only values that differ from it, and the standby's
 * own defaults (its configuration file, the applier role's settings) may differ from the primary's. An event whose
 * settings are unknown (null: from a helper older than version 3, a statement no event trigger reported, an event
 * written before settings were carried) sets nothing, and runs under the standby's session defaults, as before.
 *
 * <p>One query, with the names from the fixed list and the values as bind parameters (a value comes from the topic:
 * PostgreSQL validates it, and it is never part of the SQL text). Inside the statement's transaction it sets them
 * {@code is_local} (gone at commit or rollback, and {@code RESET ALL} before the marker puts them back anyway);
 * outside one, for the session, reset by the {@code RESET ALL} that follows the statement. The connection's own
 * {@code search_path} and {@code standard_conforming_strings} are not among them, and the role's function pins both.
 * Between the settings and the statement only {@link RunAs}'s check and call run (and, when the role's function is
 * missing, its CREATE SCHEMA and CREATE FUNCTION): they hold no date, time, interval, array, xml or money literal,
 * no {@code = NULL}, make no table or index, and read the same under any of these values.
 * Every one of these settings is one any user may change: the statement gains no right by them.
 *
 * <p>{@code check_function_bodies} is always off, as on every applier connection and in pg_dump's scripts: the
 * primary checked the body (or its session had the check off), and a body the primary accepted may name what no
 * standby has (a temporary table of the primary's session, measured: 42P01 on a standby with the check on).
 */
final class StatementSettings {
  private static final SessionSetting[] ALL = SessionSetting.values();

  /**
   * Parameters: each setting's value in {@link SessionSetting} order (null: the built-in value), then is_local. A
   * setting the standby does not know is skipped when the event does not name it, and fails the statement when it
   * does.
   */
  static final String SQL = "SELECT pg_catalog.set_config(x.n, COALESCE(x.v, s.boot_val), ?) FROM (VALUES "
      + Arrays.stream(ALL).map(s -> "('" + s.guc() + "', ?::pg_catalog.text)").collect(Collectors.joining(", "))
      + ") x(n, v) LEFT JOIN pg_catalog.pg_settings s ON s.name OPERATOR(pg_catalog.=) x.n "
      + "WHERE x.v IS NOT NULL OR s.name IS NOT NULL";

  private StatementSettings() {}

  /**
   * The value a setting gets on the standby for a value the primary's session had (null: the built-in one). Two are
   * not the primary's: {@code check_function_bodies} is always off (above), and {@code DateStyle} keeps the
   * primary's field order ({@code MDY}, {@code DMY}, {@code YMD}: how date literals in the statement read) with the
   * output style ISO, since pgjdbc closes a connection whose DateStyle does not begin with ISO (measured: 08006 on
   * {@code Postgres, MDY}, which pg_regress sessions use).
   */
  static String standbyValue(SessionSetting setting, String value) {
    if (setting == SessionSetting.CHECK_FUNCTION_BODIES) {
      return "off";
    }
    if (setting == SessionSetting.DATE_STYLE && value != null) {
      int comma = value.indexOf(',');
      return comma < 0 ? "ISO" : "ISO, " + value.substring(comma + 1).strip();
    }
    return value;
  }

  /** Sets the settings (null: unknown, nothing is set) for the transaction ({@code local}) or the session. */
  static void apply(Connection c, Map<SessionSetting, String> settings, boolean local) throws SQLException {
    if (settings == null) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(SQL)) {
      bind(ps, settings, local);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getString(1);
        }
      }
    }
  }

  /**
   * Runs {@code first} (a statement of ddlcast's own, without parameters: the {@code RESET ALL} between two
   * statements of a batch), then sets the settings for the transaction, in one round trip.
   */
  static void applyAfter(Connection c, String first, Map<SessionSetting, String> settings) throws SQLException {
    if (settings == null) {
      try (Statement st = c.createStatement()) {
        st.execute(first);
      }
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(first + "; " + SQL)) {
      bind(ps, settings, true);
      ps.execute();
    }
  }

  private static void bind(PreparedStatement ps, Map<SessionSetting, String> settings, boolean local)
      throws SQLException {
    ps.setBoolean(1, local);
    for (int k = 0; k < ALL.length; k++) {
      ps.setString(k + 2, standbyValue(ALL[k], settings.get(ALL[k])));
    }
  }
}

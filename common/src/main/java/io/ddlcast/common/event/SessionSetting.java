package io.ddlcast.common.event;

import java.util.Locale;

/**
 * The session settings that change what a DDL statement creates, so that a statement replayed under another value
 * makes something else (or fails): ddlcast carries them with each event and sets them on the standby for exactly
 * that statement. Measured on PostgreSQL 15.18 (the same statement under the setting's built-in value and under
 * another, then {@code pg_dump --schema-only} of both), each with what changed:
 *
 * <ul>
 *   <li>{@code check_function_bodies}: off, {@code CREATE FUNCTION} of an SQL body naming a table made later
 *       succeeds; on, it fails (every {@code pg_dump} script sets it off).
 *   <li>{@code default_table_access_method}, {@code default_tablespace}: where a table, index or materialized view
 *       goes.
 *   <li>{@code TimeZone}: a {@code timestamptz} literal in a default, CHECK, index predicate or partition bound is
 *       another instant ({@code '2000-01-01 00:00'} is {@code 05:00:00+00} under America/New_York).
 *   <li>{@code DateStyle}: {@code '01/02/2000'} is January 2 (MDY) or February 1 (DMY), in defaults and views.
 *   <li>{@code IntervalStyle}: {@code '-1 2:03:04'} is {@code -1 days +02:03:04}, or all negative under
 *       sql_standard.
 *   <li>{@code xmloption}: {@code 'foo'::xml} in a default or view is refused as a document.
 *   <li>{@code array_nulls}: {@code '{NULL}'} holds a null, or the string "NULL" when off.
 *   <li>{@code transform_null_equals}: {@code x = NULL} in a view is stored as {@code x IS NULL} when on.
 *   <li>{@code lc_monetary}: {@code '1,5'::money} is 15.00 under C, 1.50 under de_DE.
 * </ul>
 *
 * <p>Measured and not carried, since the catalogs came out the same: {@code default_toast_compression} (a column
 * records a compression method only when the statement names one), {@code lc_numeric}, {@code lc_time},
 * {@code extra_float_digits}, {@code bytea_output}, {@code xmlbinary}, {@code default_text_search_config},
 * {@code temp_tablespaces} (temporary objects do not replicate), {@code session_replication_role},
 * {@code row_security}, {@code plpgsql.variable_conflict}, {@code maintenance_work_mem}. Settings that only make a
 * statement fail on the primary ({@code default_transaction_read_only}, {@code plpgsql.extra_errors}) leave
 * nothing to replicate. {@code standard_conforming_strings} changes what a string with a backslash means; the
 * producer refuses such statements unless the setting was on, and reads every other statement the same under
 * both, so it is not carried (the standby runs statements with it on). {@code search_path} travels in
 * {@link ExecutionContext} itself.
 *
 * <p>Every one of them is a setting any user may change ({@code context = user}): setting it on the standby gives
 * the statement no right it lacked on the primary (a tablespace still needs CREATE on it, checked as the role).
 */
public enum SessionSetting {
  CHECK_FUNCTION_BODIES("check_function_bodies"),
  DEFAULT_TABLE_ACCESS_METHOD("default_table_access_method"),
  DEFAULT_TABLESPACE("default_tablespace"),
  TIME_ZONE("TimeZone"),
  DATE_STYLE("DateStyle"),
  INTERVAL_STYLE("IntervalStyle"),
  XMLOPTION("xmloption"),
  ARRAY_NULLS("array_nulls"),
  TRANSFORM_NULL_EQUALS("transform_null_equals"),
  LC_MONETARY("lc_monetary");

  private final String guc;

  SessionSetting(String guc) {
    this.guc = guc;
  }

  /** The name as {@code pg_settings.name} spells it (PostgreSQL matches names regardless of case). */
  public String guc() {
    return guc;
  }

  /** The setting of this name, in any case; null if ddlcast does not carry it. */
  public static SessionSetting of(String name) {
    if (name == null) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (SessionSetting s : values()) {
      if (s.guc.toLowerCase(Locale.ROOT).equals(lower)) {
        return s;
      }
    }
    return null;
  }
}

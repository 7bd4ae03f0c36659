package io.ddlcast.producer.capture;

import com.fasterxml.jackson.databind.JsonNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.ExecutionContext;
import io.ddlcast.common.event.SessionSetting;
import io.ddlcast.producer.csvlog.LogRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A record written by ddlcast's event trigger on the primary (see {@code helper.sql}): {@code ddlcast
 * ddl_command_end {json}} after each DDL command, {@code ddlcast sql_drop {json}} before it for drops, or
 * {@code ddlcast error ...} if the trigger itself failed.
 *
 * <p>For DDL run inside a DO block, a function or a procedure, the record's CONTEXT column holds the inner statement
 * ({@code SQL statement "CREATE TABLE x ()"}) under the trigger's own frame; for DDL in an SQL-language function it
 * holds only {@code SQL function "f" statement 1}, without the text. Helpers from version 2 on also report the
 * session's {@code standard_conforming_strings} ({@code on}/{@code off}; null from older ones), which decides how the
 * statement's strings read; from version 3 on, the {@link SessionSetting}s whose value is not PostgreSQL's built-in
 * one ({@code "settings":{"TimeZone":"Etc/UTC"}}), part of the context (null, unknown, from older helpers: their
 * events run under the standby's session defaults, as before).
 */
public record HelperRecord(
    Kind kind,
    String tag,
    ExecutionContext context,
    Xid xid,
    Xid subxid,
    List<HelperObject> objects,
    Origin origin,
    String innerStatement,
    String error,
    String standardConformingStrings) {

  public static final String PREFIX = "ddlcast ";

  public enum Kind {
    DDL_COMMAND_END,
    SQL_DROP,
    ERROR
  }

  /** Where the command came from: the top-level statement, a statement inside PL/pgSQL, or an SQL function. */
  public enum Origin {
    TOP_LEVEL,
    INNER_STATEMENT,
    SQL_FUNCTION
  }

  /**
   * An object the command created, changed or dropped. {@code temporary} and {@code original} (named by the
   * statement, not dropped along with it) are only known for drops, {@code inExtension} only for the others (true
   * for commands of an extension's script).
   */
  public record HelperObject(String type, String schema, String identity, Boolean temporary, Boolean inExtension,
      Boolean original) {
    boolean isTemporary() {
      return Boolean.TRUE.equals(temporary) || (schema != null && schema.startsWith("pg_temp"));
    }

    boolean isDdlcastOwn() {
      return "ddlcast".equals(schema) || ("schema".equals(type) && "ddlcast".equals(identity));
    }
  }

  private static final String OWN_FRAME = "PL/pgSQL function ddlcast.log_ddl()";
  /** The first context frame of every record the helper writes: its own RAISE. */
  private static final Pattern OWN_RAISE =
      Pattern.compile("PL/pgSQL function ddlcast\\.log_ddl\\(\\) line \\d+ at RAISE");
  private static final List<String> KINDS = List.of("ddl_command_end ", "sql_drop ", "error ");
  private static final String SQL_STATEMENT = "SQL statement \"";

  /** True if the record reads as one of the helper's: what it says still has to be proven ({@link #fromHelper}). */
  public static boolean claims(LogRecord record) {
    if (!"LOG".equals(record.severity()) || !record.message().startsWith(PREFIX)) {
      return false;
    }
    String rest = record.message().substring(PREFIX.length());
    return KINDS.stream().anyMatch(rest::startsWith);
  }

  /**
   * True if the record was written by the helper's function itself: its first context frame is the helper's
   * RAISE. A RAISE in a DO block or in a user's function has its own frame first, whatever its message says.
   */
  public static boolean fromHelper(LogRecord record) {
    String frames = record.context();
    int end = frames.indexOf('\n');
    return OWN_RAISE.matcher(end < 0 ? frames : frames.substring(0, end)).matches();
  }

  /**
   * The helper record this log record is, or null if it does not claim to be one ({@link #claims}). Throws
   * IllegalArgumentException if it is garbled.
   */
  public static HelperRecord parse(LogRecord record) {
    if (!claims(record)) {
      return null;
    }
    String rest = record.message().substring(PREFIX.length());
    if (rest.startsWith("error ")) {
      return new HelperRecord(Kind.ERROR, null, null, null, null, List.of(), Origin.TOP_LEVEL, null,
          rest.substring("error ".length()), null);
    }
    Kind kind = rest.startsWith("ddl_command_end ") ? Kind.DDL_COMMAND_END : Kind.SQL_DROP;
    JsonNode json;
    try {
      json = EventCodec.mapper().readTree(rest.substring(rest.indexOf(' ') + 1));
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable ddlcast helper record: " + e.getMessage(), e);
    }
    List<HelperObject> objects = new ArrayList<>();
    for (JsonNode o : json.path("objects")) {
      objects.add(new HelperObject(text(o, "type"), text(o, "schema"), text(o, "identity"),
          o.hasNonNull("temporary") ? o.get("temporary").asBoolean() : null,
          o.hasNonNull("extension") ? o.get("extension").asBoolean() : null,
          o.hasNonNull("original") ? o.get("original").asBoolean() : null));
    }
    ExecutionContext context = new ExecutionContext(text(json, "user"), text(json, "session_user"),
        text(json, "search_path"), settings(json));
    String frames = record.context();
    Origin origin = Origin.TOP_LEVEL;
    String inner = null;
    int own = frames.indexOf(OWN_FRAME);
    String below = own < 0 ? "" : frames.substring(frames.indexOf('\n', own) < 0 ? frames.length()
        : frames.indexOf('\n', own) + 1);
    if (below.startsWith(SQL_STATEMENT)) {
      origin = Origin.INNER_STATEMENT;
      inner = innerStatement(below);
    } else if (!below.isEmpty()) {
      origin = Origin.SQL_FUNCTION;
    }
    return new HelperRecord(kind, text(json, "tag"), context, xid(json, "xid", true), xid(json, "subxid", false),
        List.copyOf(objects), origin, inner, null, text(json, "standard_conforming_strings"));
  }

  /** The text of {@code SQL statement "..."} at the start of the frames below the trigger's own. */
  private static String innerStatement(String frames) {
    String body = frames.substring(SQL_STATEMENT.length());
    int end = -1;
    for (String next : List.of("\"\nPL/pgSQL function ", "\"\nSQL function ", "\"\nSQL statement \"",
        "\"\nPL/pgSQL ")) {
      int at = body.indexOf(next);
      if (at >= 0 && (end < 0 || at < end)) {
        end = at;
      }
    }
    if (end < 0) {
      end = body.endsWith("\"") ? body.length() - 1 : body.length();
    }
    return body.substring(0, end);
  }

  /**
   * The settings a helper of version 3 or later reports (those not at their built-in value), or null (unknown) from
   * an older helper, which reports none. A name ddlcast does not carry, or a value that is not a string, makes the
   * record unreadable.
   */
  private static Map<SessionSetting, String> settings(JsonNode json) {
    if (json.path("v").asInt() < 3) {
      return null;
    }
    JsonNode node = json.get("settings");
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("unreadable ddlcast helper record: no settings object");
    }
    Map<SessionSetting, String> settings = new EnumMap<>(SessionSetting.class);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      SessionSetting setting = SessionSetting.of(e.getKey());
      if (setting == null || !e.getValue().isTextual()) {
        throw new IllegalArgumentException("unreadable ddlcast helper record: setting " + e.getKey());
      }
      settings.put(setting, e.getValue().textValue());
    }
    return settings;
  }

  /** A transaction id field; a value that is not one makes the whole record unreadable (reported, not used). */
  private static Xid xid(JsonNode json, String field, boolean full) {
    String value = text(json, field);
    try {
      return value == null ? null : Xid.parseNumber(value, full);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unreadable ddlcast helper record: " + field + " " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** A command run by an extension's script: part of its CREATE/ALTER EXTENSION, which is what replicates. */
  public boolean isExtensionMember() {
    return !objects.isEmpty() && objects.stream().allMatch(o -> Boolean.TRUE.equals(o.inExtension()));
  }

  public boolean allObjectsTemporary(List<HelperObject> dropped) {
    List<HelperObject> relevant = kind == Kind.DDL_COMMAND_END && objects.isEmpty() ? dropped : objects;
    return !relevant.isEmpty() && relevant.stream().allMatch(HelperObject::isTemporary);
  }

  public boolean allObjectsDdlcastOwn(List<HelperObject> dropped) {
    List<HelperObject> relevant = kind == Kind.DDL_COMMAND_END && objects.isEmpty() ? dropped : objects;
    return !relevant.isEmpty() && relevant.stream().allMatch(HelperObject::isDdlcastOwn);
  }
}

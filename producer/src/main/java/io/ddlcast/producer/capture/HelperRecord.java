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
 * statement's strings read. From version 3 on: the {@link SessionSetting}s whose value is not PostgreSQL's built-in
 * one ({@code "settings":{"TimeZone":"Etc/UTC"}}), part of the context (null, unknown, from older helpers: their
 * events run under the standby's session defaults, as before); {@code ddlcast ddl_command_start {json}} before a
 * DROP of what may be on no standby, with {@code notOnStandbys} (the INVALID indexes a failed concurrent build left,
 * the permanent objects over the session's temporary ones); each created or changed object's temporary object it
 * depends on; and for GRANT and REVOKE, which report no object, the names of the session's temporary relations
 * ({@code temporaryRelations}; null when it has none or the helper is older).
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
    String standardConformingStrings,
    NotOnStandbys notOnStandbys,
    List<String> temporaryRelations) {

  public static final String PREFIX = "ddlcast ";

  /** A record of the helper before version 3: nothing is known of objects that are on no standby. */
  public HelperRecord(Kind kind, String tag, ExecutionContext context, Xid xid, Xid subxid, List<HelperObject> objects,
      Origin origin, String innerStatement, String error, String standardConformingStrings) {
    this(kind, tag, context, xid, subxid, objects, origin, innerStatement, error, standardConformingStrings,
        NotOnStandbys.NONE, null);
  }

  public enum Kind {
    DDL_COMMAND_START,
    DDL_COMMAND_END,
    SQL_DROP,
    ERROR
  }

  /**
   * Object identities that exist on the primary but never reached a standby, reported before a DROP: INVALID plain
   * indexes (failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY; none a build still runs on) and permanent
   * objects over a temporary one.
   */
  public record NotOnStandbys(List<String> invalidIndexes, List<String> onTemporary) {
    public static final NotOnStandbys NONE = new NotOnStandbys(List.of(), List.of());

    /** Why the object of this identity is on no standby, or null if it may be on them. */
    String why(String identity) {
      return invalidIndexes.contains(identity) ? "an INVALID index, left by a failed concurrent build"
          : onTemporary.contains(identity) ? "over a temporary object" : null;
    }
  }

  /**
   * Where the command came from: the top-level statement, a statement inside PL/pgSQL, an SQL function, or the
   * server itself: {@code REFRESH MATERIALIZED VIEW CONCURRENTLY} runs {@code CREATE TEMP TABLE pg_temp_N.pg_temp_M},
   * {@code ALTER TABLE ... ADD COLUMN newdata} and {@code DROP TABLE} through SPI, so their records carry an inner
   * statement with no frame of user code below it.
   */
  public enum Origin {
    TOP_LEVEL,
    INNER_STATEMENT,
    SQL_FUNCTION,
    INTERNAL
  }

  /**
   * An object the command created, changed or dropped. {@code temporary} and {@code original} (named by the
   * statement, not dropped along with it) are only known for drops, {@code inExtension} only for the others (true
   * for commands of an extension's script), and so are {@code onTemporary}, the temporary object it depends on
   * (PostgreSQL drops it with that object when the session ends) and {@code columnOnTemporary}, true when only a
   * column depends on it (the table stays, without that column). {@code notOnStandbys} is why a dropped object
   * never reached the standbys (see {@link NotOnStandbys}), null if it may be there.
   */
  public record HelperObject(String type, String schema, String identity, Boolean temporary, Boolean inExtension,
      Boolean original, String onTemporary, Boolean columnOnTemporary, String notOnStandbys) {
    public HelperObject(String type, String schema, String identity, Boolean temporary, Boolean inExtension,
        Boolean original) {
      this(type, schema, identity, temporary, inExtension, original, null, null, null);
    }

    /** On the standbys, as far as the helper knows: neither temporary nor known to be absent there. */
    boolean onStandbys() {
      return !isTemporary() && notOnStandbys == null;
    }

    public HelperObject notOnStandbys(String why) {
      return new HelperObject(type, schema, identity, temporary, inExtension, original, onTemporary,
          columnOnTemporary, why);
    }

    /**
     * In a temporary schema, or (triggers, rules, policies, constraints: {@code "_RETURN" on pg_temp.tv}, reported
     * with no schema and as not temporary) on a temporary relation.
     */
    boolean isTemporary() {
      return Boolean.TRUE.equals(temporary) || (schema != null && schema.startsWith("pg_temp"))
          || (identity != null && mentionsTemporarySchema(identity));
    }

    boolean isDdlcastOwn() {
      return "ddlcast".equals(schema) || ("schema".equals(type) && "ddlcast".equals(identity));
    }
  }

  private static final Pattern TEMPORARY_SCHEMA = Pattern.compile("pg_temp(_\\d+)?\\.");
  /** The transient tables REFRESH MATERIALIZED VIEW CONCURRENTLY makes: {@code pg_temp_3.pg_temp_16431_2}. */
  private static final Pattern REFRESH_DIFF_TABLE = Pattern.compile("pg_temp_\\d+\\.pg_temp_\\d+");
  private static final String OWN_FRAME = "PL/pgSQL function ddlcast.log_ddl()";
  /** The first context frame of every record the helper writes: its own RAISE. */
  private static final Pattern OWN_RAISE =
      Pattern.compile("PL/pgSQL function ddlcast\\.log_ddl\\(\\) line \\d+ at RAISE");
  private static final List<String> KINDS = List.of("ddl_command_start ", "ddl_command_end ", "sql_drop ",
      "error ");
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
    Kind kind = rest.startsWith("ddl_command_end ") ? Kind.DDL_COMMAND_END
        : rest.startsWith("ddl_command_start ") ? Kind.DDL_COMMAND_START : Kind.SQL_DROP;
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
          o.hasNonNull("original") ? o.get("original").asBoolean() : null, text(o, "on_temporary"),
          o.hasNonNull("column_on_temporary") ? o.get("column_on_temporary").asBoolean() : null, null));
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
      inner = innerStatement(below);
      boolean noCodeBelow = below.length() <= SQL_STATEMENT.length() + inner.length() + 1;
      origin = noCodeBelow && REFRESH_DIFF_TABLE.matcher(inner).find() ? Origin.INTERNAL : Origin.INNER_STATEMENT;
    } else if (!below.isEmpty()) {
      origin = Origin.SQL_FUNCTION;
    }
    return new HelperRecord(kind, text(json, "tag"), context, xid(json, "xid", true), xid(json, "subxid", false),
        List.copyOf(objects), origin, inner, null, text(json, "standard_conforming_strings"),
        new NotOnStandbys(texts(json, "invalid_indexes"), texts(json, "on_temporary")),
        json.has("temporary_relations") ? texts(json, "temporary_relations") : null);
  }

  private static List<String> texts(JsonNode json, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode value : json.path(field)) {
      if (value.isTextual()) {
        out.add(value.asText());
      }
    }
    return List.copyOf(out);
  }

  /**
   * True if an identity names a temporary schema outside quotes: the object's own ({@code pg_temp.tt}), its
   * relation's ({@code tg on pg_temp.tt}) or an argument type's ({@code public.g(pg_temp.tt)}: PostgreSQL drops the
   * function with that type). A quoted name ({@code public."x pg_temp.y"}) is a permanent object's.
   */
  static boolean mentionsTemporarySchema(String identity) {
    boolean quoted = false;
    for (int i = 0; i < identity.length(); i++) {
      char c = identity.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (i == 0 || " (,".indexOf(identity.charAt(i - 1)) >= 0)
          && TEMPORARY_SCHEMA.matcher(identity).region(i, identity.length()).lookingAt()) {
        return true;
      }
    }
    return false;
  }

  /** The objects a DROP reports, each marked with why it is on no standby, as the command's start reported. */
  public static List<HelperObject> marked(List<HelperObject> dropped, NotOnStandbys notOnStandbys) {
    if (notOnStandbys.invalidIndexes().isEmpty() && notOnStandbys.onTemporary().isEmpty()) {
      return dropped;
    }
    return dropped.stream().map(o -> {
      String why = o.identity() == null ? null : notOnStandbys.why(o.identity());
      return why == null ? o : o.notOnStandbys(why);
    }).toList();
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

  /**
   * The objects the command is about: those it reported, or for a DROP (reported with none) those the statement
   * named, with what was dropped along with them only if it named none.
   */
  List<HelperObject> named(List<HelperObject> dropped) {
    if (kind != Kind.DDL_COMMAND_END || !objects.isEmpty()) {
      return objects;
    }
    List<HelperObject> originals = dropped.stream().filter(o -> Boolean.TRUE.equals(o.original())).toList();
    return originals.isEmpty() ? dropped : originals;
  }

  public boolean allObjectsDdlcastOwn(List<HelperObject> dropped) {
    List<HelperObject> relevant = kind == Kind.DDL_COMMAND_END && objects.isEmpty() ? dropped : objects;
    return !relevant.isEmpty() && relevant.stream().allMatch(HelperObject::isDdlcastOwn);
  }
}

package io.ddlcast.common.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one place that turns {@link DdlEvent}s into bytes and back. Writing is strict and stable (field order as in
 * the record); reading accepts unknown fields of the same schema version so that a producer may add optional fields
 * without breaking appliers, and refuses a newer schema version with a message that says the reader needs upgrading.
 */
public final class EventCodec {
  /** Strings up to a whole record: any statement the producer publishes or checkpoints is read back. */
  private static final StreamReadConstraints READ_LIMITS =
      StreamReadConstraints.builder().maxStringLength(DdlEvent.MAX_RECORD_BYTES).build();
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(JsonFactory.builder().streamReadConstraints(READ_LIMITS).build())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private EventCodec() {}

  public static byte[] encode(DdlEvent event) {
    try {
      return MAPPER.writeValueAsBytes(toNode(event));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode event " + event.id(), e);
    }
  }

  /** The event as the JSON tree {@link #encode} writes, for documents that hold events (the checkpoint). */
  public static ObjectNode toNode(DdlEvent event) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("schema", event.schema());
    node.put("id", event.id());
    node.put("source", event.source());
    node.put("database", event.database());
    node.put("key", event.key());
    node.put("scope", event.scope().name());
    node.put("user", event.user());
    putContext(node, "context", event.context());
    node.put("command", event.command());
    node.put("statement", event.statement());
    node.put("logTime", event.logTime() == null ? null : event.logTime().toString());
    node.set("position", toNode(event.position()));
    if (!event.schemas().isEmpty()) {
      ArrayNode schemas = node.putArray("schemas");
      event.schemas().forEach(schemas::add);
    }
    if (event.sealed() != null) {
      node.put("sealed", event.sealed());
    }
    if (event.generation() != 1) {
      node.put("generation", event.generation());
    }
    return node;
  }

  public static ObjectNode toNode(LogPosition p) {
    ObjectNode position = MAPPER.createObjectNode();
    position.put("file", p.file());
    position.put("offset", p.offset());
    position.put("session", p.session());
    position.put("line", p.line());
    return position;
  }

  /** Writes {@code context} as {@code field} of {@code node}; nothing when it is null. */
  public static void putContext(ObjectNode node, String field, ExecutionContext context) {
    if (context != null) {
      ObjectNode c = node.putObject(field);
      c.put("role", context.role());
      c.put("sessionRole", context.sessionRole());
      c.put("searchPath", context.searchPath());
      if (context.settings() != null) {
        ObjectNode settings = c.putObject("settings");
        context.settings().forEach((k, v) -> settings.put(k.guc(), v));
      }
    }
  }

  public static DdlEvent decode(byte[] bytes) throws InvalidEventException {
    if (bytes == null) {
      throw new InvalidEventException("record has no value", false, null);
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("not JSON: " + e.getOriginalMessage(), false, e);
    } catch (IOException e) {
      throw new InvalidEventException("not JSON: " + e.getMessage(), false, e);
    }
    return fromNode(node);
  }

  /** The event a tree of {@link #toNode} holds; throws naming the first field that is wrong. */
  public static DdlEvent fromNode(JsonNode node) throws InvalidEventException {
    if (node == null || !node.isObject()) {
      throw new InvalidEventException("not a JSON object", false, null);
    }
    JsonNode schema = node.get("schema");
    if (schema == null || !schema.canConvertToInt()) {
      throw new InvalidEventException("no schema version", false, null);
    }
    if (schema.intValue() > DdlEvent.SEALED_SCHEMA_VERSION) {
      throw new InvalidEventException(
          "event schema version " + schema.intValue() + " is newer than the " + DdlEvent.SEALED_SCHEMA_VERSION
              + " this build reads: upgrade ddlcast",
          true,
          null);
    }
    try {
      return new DdlEvent(
          schema.intValue(),
          text(node, "id", true),
          text(node, "source", true),
          text(node, "database", true),
          text(node, "key", true),
          Scope.valueOf(text(node, "scope", true)),
          text(node, "user", false),
          context(node.get("context")),
          text(node, "command", false),
          text(node, "statement", true),
          instant(text(node, "logTime", false)),
          position(required(node, "position")),
          schemas(node.get("schemas")),
          sealed(schema.intValue(), node),
          generation(node.get("generation")));
    } catch (RuntimeException e) { // IllegalArgument, DateTimeParse, NullPointer: a field of the wrong shape
      throw new InvalidEventException("invalid event: " + e.getMessage(), false, e);
    }
  }

  /** The event as a JSON line, for logs and command output that want the wire form. */
  public static String toJson(DdlEvent event) {
    return new String(encode(event), StandardCharsets.UTF_8);
  }

  /** The mapper configured as the codec uses it, for other small JSON documents of the project. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value;
  }

  private static String text(JsonNode node, String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException("missing field '" + field + "'");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' is not a string");
    }
    return value.textValue();
  }

  /** A position as {@link #toNode(LogPosition)} writes it; throws IllegalArgumentException naming a missing field. */
  public static LogPosition position(JsonNode position) {
    return new LogPosition(text(position, "file", true), required(position, "offset").asLong(),
        text(position, "session", true), required(position, "line").asLong());
  }

  /** A context as {@link #putContext} writes it (null or absent: none). */
  public static ExecutionContext context(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("field 'context' is not an object");
    }
    return new ExecutionContext(text(node, "role", false), text(node, "sessionRole", false),
        text(node, "searchPath", false), settings(node.get("settings")));
  }

  /**
   * The context's settings (absent or null: unknown, as in events written before the field existed). A name that
   * is not a {@link SessionSetting} makes the event invalid: it is never set on a standby, and the statement is
   * never run without it.
   */
  private static Map<SessionSetting, String> settings(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("field 'context.settings' is not an object");
    }
    Map<SessionSetting, String> out = new EnumMap<>(SessionSetting.class);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      SessionSetting setting = SessionSetting.of(e.getKey());
      if (setting == null || !setting.guc().equals(e.getKey())) {
        throw new IllegalArgumentException("field 'context.settings' names '" + e.getKey()
            + "', not a setting ddlcast carries");
      }
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("setting '" + e.getKey() + "' is not a string");
      }
      out.put(setting, e.getValue().textValue());
    }
    return out;
  }

  /** The optional list of schemas: absent or null is none (events written before the field existed). */
  private static List<String> schemas(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("field 'schemas' is not an array");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : node) {
      if (!s.isTextual()) {
        throw new IllegalArgumentException("field 'schemas' holds a value that is not a string");
      }
      out.add(s.textValue());
    }
    return out;
  }

  /** The publishing generation: absent or null is 1 (events written before generations existed). */
  private static int generation(JsonNode node) {
    if (node == null || node.isNull()) {
      return 1;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw new IllegalArgumentException("field 'generation' is not a whole number");
    }
    return node.intValue();
  }

  /** The sealed statement, only in an event of the version that has it. */
  private static String sealed(int schema, JsonNode node) {
    String sealed = text(node, "sealed", false);
    if (sealed != null && schema < DdlEvent.SEALED_SCHEMA_VERSION) {
      throw new IllegalArgumentException("field 'sealed' in an event of schema version " + schema);
    }
    return sealed;
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}

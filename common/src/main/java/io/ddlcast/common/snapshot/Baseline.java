package io.ddlcast.common.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.seal.SealException;
import io.ddlcast.common.seal.SecretsKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A baseline of the primary's schema at one point of the event stream, as {@code ddlcast producer snapshot}
 * publishes it to {@code <topic>.snapshots}: the globals as {@code pg_dumpall --globals-only} writes them and each
 * database's {@code pg_dump --schema-only --create} script (ddlcast's own objects left out), with the events topic's
 * offsets it corresponds to: every event before them is in it, none after. A standby loaded from it replays the
 * events from those offsets on.
 *
 * <p>Role passwords travel as the verifiers PostgreSQL stored, and only sealed: with the producer's
 * {@code --secrets-key} the whole content (globals and scripts, which may also hold user mapping and server secrets)
 * is sealed under it ({@link SecretsKey}, AES-256-GCM), with the summary as associated data, so that a content
 * moved under another summary (other offsets) does not open. Without a key the globals are dumped with
 * {@code --no-role-passwords} ({@link Passwords#OMITTED}) and the content travels in clear; a script holding another
 * secret is then refused by the producer, never published.
 *
 * <pre>{@code
 * {"v":1,"id":"20261202T031500Z","source":"7312345678901234567","takenAt":"2026-12-02T03:15:00Z",
 *  "offsets":{"0":20412},"passwords":"verifiers","sealed":"AQ..."}
 * {"v":1,...,"passwords":"omitted","content":{"globals":"...","databases":[{"name":"shop","script":"..."}]}}
 * }</pre>
 *
 * <p>Decoding is strict: a field missing or of the wrong type is an {@link UnreadableBaselineException} naming it.
 */
public record Baseline(Summary summary, String globals, List<DatabaseDump> databases) {
  private static final int VERSION = 1;

  /** Whether the role passwords are in the baseline (as verifiers, sealed) or were left out. */
  public enum Passwords {
    VERIFIERS,
    OMITTED
  }

  /**
   * What a baseline is, readable without the key: its id, the source it was taken of, when, the events topic's
   * offsets it corresponds to (per partition: the first event not in it), and whether passwords are in it.
   */
  public record Summary(String id, String source, Instant takenAt, SortedMap<Integer, Long> offsets,
      Passwords passwords, boolean sealed) {
    public Summary {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(takenAt, "takenAt");
      Objects.requireNonNull(passwords, "passwords");
      offsets = new TreeMap<>(offsets);
    }

    /** For log lines: {@code snapshot ID of SOURCE taken T at offsets {0=12}}. */
    public String describe() {
      return "snapshot " + id + " of source " + source + " taken " + takenAt + " at offsets " + offsets;
    }

    /** The bytes the sealed content is bound to. */
    byte[] associatedData() {
      return ("ddlcast-baseline\0" + VERSION + "\0" + id + "\0" + source + "\0" + takenAt + "\0" + offsets + "\0"
          + passwords).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** One database's schema script, as {@code pg_dump --schema-only --create} writes it. */
  public record DatabaseDump(String name, String script) {
    public DatabaseDump {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(script, "script");
    }
  }

  public Baseline {
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(globals, "globals");
    databases = List.copyOf(databases);
  }

  /** The record value: sealed under {@code key}, or in clear when {@code key} is null. */
  public byte[] encode(SecretsKey key) {
    if ((key != null) != summary.sealed()) {
      throw new IllegalArgumentException("the summary says sealed=" + summary.sealed() + " but the key is "
          + (key == null ? "absent" : "given"));
    }
    ObjectMapper mapper = EventCodec.mapper();
    ObjectNode content = mapper.createObjectNode();
    content.put("globals", globals);
    ArrayNode list = content.putArray("databases");
    for (DatabaseDump d : databases) {
      list.addObject().put("name", d.name()).put("script", d.script());
    }
    ObjectNode root = mapper.createObjectNode();
    root.put("v", VERSION);
    root.put("id", summary.id());
    root.put("source", summary.source());
    root.put("takenAt", summary.takenAt().toString());
    ObjectNode offsets = root.putObject("offsets");
    summary.offsets().forEach((p, o) -> offsets.put(Integer.toString(p), o));
    root.put("passwords", summary.passwords().name().toLowerCase(Locale.ROOT));
    if (key != null) {
      root.put("sealed", key.seal(content.toString(), summary.associatedData()));
    } else {
      root.set("content", content);
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The summary of a record value, without opening its content. */
  public static Summary summary(byte[] value) {
    return summaryOf(parse(value));
  }

  /**
   * The baseline of a record value, its content opened with {@code key} when sealed. A sealed baseline without a
   * key, or under another key, or altered, is an {@link UnreadableBaselineException} saying so.
   */
  public static Baseline decode(byte[] value, SecretsKey key) {
    JsonNode root = parse(value);
    Summary summary = summaryOf(root);
    JsonNode content;
    if (summary.sealed()) {
      if (key == null) {
        throw new UnreadableBaselineException(summary.describe() + " is sealed (it holds role verifiers or other "
            + "secrets): give the applier the producer's --secrets-key");
      }
      try {
        content = EventCodec.mapper().readTree(key.open(text(root, "sealed"), summary.associatedData()));
      } catch (SealException e) {
        throw new UnreadableBaselineException(summary.describe() + " does not open: " + e.getMessage());
      } catch (IOException e) {
        throw new UnreadableBaselineException(summary.describe() + ": its sealed content is not JSON");
      }
    } else {
      content = root.get("content");
    }
    if (content == null || !content.isObject()) {
      throw new UnreadableBaselineException("field 'content' is " + content + ", not an object");
    }
    JsonNode list = content.get("databases");
    if (list == null || !list.isArray()) {
      throw new UnreadableBaselineException("field 'databases' is " + list + ", not an array");
    }
    List<DatabaseDump> databases = new ArrayList<>();
    for (JsonNode d : list) {
      databases.add(new DatabaseDump(text(d, "name"), text(d, "script")));
    }
    return new Baseline(summary, text(content, "globals"), databases);
  }

  private static JsonNode parse(byte[] value) {
    JsonNode root;
    try {
      root = EventCodec.mapper().readTree(value);
    } catch (IOException e) {
      throw new UnreadableBaselineException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new UnreadableBaselineException("not a JSON object");
    }
    if (!root.path("v").isInt() || root.path("v").intValue() != VERSION) {
      throw new UnreadableBaselineException("version " + root.path("v") + ", not the " + VERSION + " this build reads");
    }
    return root;
  }

  private static Summary summaryOf(JsonNode root) {
    Instant takenAt;
    try {
      takenAt = Instant.parse(text(root, "takenAt"));
    } catch (DateTimeParseException e) {
      throw new UnreadableBaselineException("field 'takenAt' is not a time: " + root.get("takenAt"));
    }
    JsonNode offsets = root.get("offsets");
    if (offsets == null || !offsets.isObject() || offsets.isEmpty()) {
      throw new UnreadableBaselineException("field 'offsets' is " + offsets + ", not an object of partitions");
    }
    SortedMap<Integer, Long> parsed = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = offsets.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().matches("0|[1-9][0-9]{0,8}") || !e.getValue().isIntegralNumber()
          || !e.getValue().canConvertToLong() || e.getValue().longValue() < 0) {
        throw new UnreadableBaselineException("offset " + e.getKey() + "=" + e.getValue() + " is not a partition "
            + "and an offset");
      }
      parsed.put(Integer.parseInt(e.getKey()), e.getValue().longValue());
    }
    String passwords = text(root, "passwords");
    Passwords kind;
    if (passwords.equals("verifiers")) {
      kind = Passwords.VERIFIERS;
    } else if (passwords.equals("omitted")) {
      kind = Passwords.OMITTED;
    } else {
      throw new UnreadableBaselineException("field 'passwords' is '" + passwords + "', not verifiers or omitted");
    }
    boolean sealed = root.has("sealed");
    if (sealed == root.has("content")) {
      throw new UnreadableBaselineException("a baseline has either 'sealed' or 'content', not " + (sealed ? "both"
          : "neither"));
    }
    return new Summary(text(root, "id"), text(root, "source"), takenAt, parsed, kind, sealed);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new UnreadableBaselineException("field '" + field + "' is " + value + ", not a string");
    }
    return value.textValue();
  }
}

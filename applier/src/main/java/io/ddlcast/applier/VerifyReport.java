package io.ddlcast.applier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaDiff;
import io.ddlcast.common.sql.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@code ddlcast verify} found, as lines for a person and as one JSON document for scripts: the globals' diff
 * (roles, memberships, databases, tablespaces), each compared database's diff, and what was not compared and why
 * (a database the standby has not applied everything of at the point verified, one on only one side). Equal means
 * every comparison made found nothing; what was not compared is named, never counted as equal or different.
 *
 * <pre>
 * cluster: missing   role r_do
 * shop: extra     column app.orders.note
 * shop: changed   function app.total(integer): definition differs
 *           expected definition: ...
 *           actual   definition: ...
 * not compared: database crm (2 event(s) after the point verified not applied)
 * different: standby standby1 differs from the primary in 3 object(s) (cluster 1, shop 2)
 * </pre>
 *
 * @param globals null when the cluster-wide objects were not compared
 */
record VerifyReport(String standby, SchemaDiff globals, SortedMap<String, SchemaDiff> databases,
    SortedMap<String, String> notCompared) {
  static final String CLUSTER = "cluster";

  VerifyReport {
    databases = new TreeMap<>(databases);
    notCompared = new TreeMap<>(notCompared);
  }

  boolean equal() {
    return (globals == null || globals.isEmpty()) && databases.values().stream().allMatch(SchemaDiff::isEmpty);
  }

  /** The lines of a person's report; the last one says equal or different. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    if (globals != null) {
      globals.describe().forEach(l -> out.add(prefixed(CLUSTER, l)));
    }
    databases.forEach((db, diff) -> diff.describe().forEach(l -> out.add(prefixed(printable(db), l))));
    notCompared.forEach((what, why) -> out.add("not compared: " + printable(what) + " (" + why + ")"));
    List<String> compared = new ArrayList<>();
    if (globals != null) {
      compared.add("globals");
    }
    databases.keySet().forEach(db -> compared.add("database " + printable(db)));
    if (equal()) {
      out.add("equal: standby " + standby + " has the primary's schema (" + String.join(", ", compared) + ")");
    } else {
      List<String> counts = new ArrayList<>();
      int total = 0;
      if (globals != null && !globals.isEmpty()) {
        counts.add(CLUSTER + " " + size(globals));
        total += size(globals);
      }
      for (Map.Entry<String, SchemaDiff> e : databases.entrySet()) {
        if (!e.getValue().isEmpty()) {
          counts.add(printable(e.getKey()) + " " + size(e.getValue()));
          total += size(e.getValue());
        }
      }
      out.add("different: standby " + standby + " differs from the primary in " + total + " object(s) ("
          + String.join(", ", counts) + "); compared " + String.join(", ", compared));
    }
    return out;
  }

  /** {"equal":false,"standby":"s1","globals":{...},"databases":{"shop":{...}},"notCompared":{"crm":"why"}}. */
  ObjectNode json() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("equal", equal());
    root.put("standby", standby);
    if (globals == null) {
      root.putNull("globals");
    } else {
      root.set("globals", json(globals));
    }
    ObjectNode dbs = root.putObject("databases");
    databases.forEach((db, diff) -> dbs.set(db, json(diff)));
    ObjectNode skipped = root.putObject("notCompared");
    notCompared.forEach(skipped::put);
    return root;
  }

  private static ObjectNode json(SchemaDiff diff) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("equal", diff.isEmpty());
    ArrayNode missing = node.putArray("missing");
    diff.missing().forEach(o -> missing.add(json(o)));
    ArrayNode extra = node.putArray("extra");
    diff.extra().forEach(o -> extra.add(json(o)));
    ArrayNode changed = node.putArray("changed");
    for (SchemaDiff.Changed c : diff.changed()) {
      ObjectNode one = changed.addObject();
      one.put("kind", c.expected().kind());
      one.put("identity", c.expected().identity());
      ArrayNode fields = one.putArray("fields");
      c.fields().forEach(fields::add);
      one.set("expected", json(c.expected()));
      one.set("actual", json(c.actual()));
    }
    return node;
  }

  /** The object with every value masked ({@link Secrets#mask}), as {@link SchemaDiff#describe()} shows it. */
  private static ObjectNode json(CatalogObject o) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("kind", o.kind());
    node.put("identity", masked(o.identity()));
    node.put("owner", o.owner());
    node.put("definition", masked(o.definition()));
    node.put("privileges", o.privileges());
    node.put("comment", masked(o.comment()));
    return node;
  }

  private static String masked(String value) {
    return value == null ? null : Secrets.mask(value);
  }

  /** "DB: line" for a line naming an object; the indented lines under a changed one stay as they are. */
  private static String prefixed(String where, String line) {
    return line.startsWith(" ") ? line : where + ": " + line;
  }

  private static int size(SchemaDiff diff) {
    return diff.missing().size() + diff.extra().size() + diff.changed().size();
  }

  /** A database name with its control characters as {@code \\uXXXX}: a name cannot make a line of its own. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (Character.isISOControl(ch)) {
        out.append(String.format("\\u%04x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }
}

package io.ddlcast.common.catalog;

import io.ddlcast.common.sql.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What differs between an expected listing (the new primary at the switch point, or the primary for
 * {@code verify}) and an actual one, object by object, matched by {@link CatalogObject#key()}: what is missing
 * from the actual side, what is extra there, and what both have but not alike (owner, definition, privileges or
 * comment). Each list is sorted by key.
 */
public record SchemaDiff(List<CatalogObject> missing, List<CatalogObject> extra, List<Changed> changed) {
  /** Indent of the lines {@link #describe()} shows under a changed object. */
  private static final String DETAIL = "          ";

  public SchemaDiff {
    missing = List.copyOf(missing);
    extra = List.copyOf(extra);
    changed = List.copyOf(changed);
  }

  /** One object both sides have, with its two versions. */
  public record Changed(CatalogObject expected, CatalogObject actual) {
    /** The names of the fields that differ: {@code owner}, {@code definition}, {@code privileges}, {@code comment}. */
    public List<String> fields() {
      List<String> fields = new ArrayList<>();
      for (Field f : Field.values()) {
        if (!Objects.equals(f.get.apply(expected), f.get.apply(actual))) {
          fields.add(f.label);
        }
      }
      return fields;
    }
  }

  private enum Field {
    OWNER("owner", CatalogObject::owner),
    DEFINITION("definition", CatalogObject::definition),
    PRIVILEGES("privileges", CatalogObject::privileges),
    COMMENT("comment", CatalogObject::comment);

    private final String label;
    private final Function<CatalogObject, String> get;

    Field(String label, Function<CatalogObject, String> get) {
      this.label = label;
      this.get = get;
    }
  }

  public static SchemaDiff of(List<CatalogObject> expected, List<CatalogObject> actual) {
    Map<String, CatalogObject> want = byKey(expected, "expected");
    Map<String, CatalogObject> have = byKey(actual, "actual");
    List<CatalogObject> missing = new ArrayList<>();
    List<Changed> changed = new ArrayList<>();
    for (CatalogObject e : want.values()) {
      CatalogObject a = have.get(e.key());
      if (a == null) {
        missing.add(e);
      } else if (!a.equals(e)) {
        changed.add(new Changed(e, a));
      }
    }
    List<CatalogObject> extra = new ArrayList<>();
    for (CatalogObject a : have.values()) {
      if (!want.containsKey(a.key())) {
        extra.add(a);
      }
    }
    return new SchemaDiff(missing, extra, changed);
  }

  public boolean isEmpty() {
    return missing.isEmpty() && extra.isEmpty() && changed.isEmpty();
  }

  /**
   * Human lines, one per object ({@code extra     table public.t (owner alice)}, {@code missing   ...},
   * {@code changed   function public.f(integer): definition differs}), a changed object followed by its two
   * values of each field that differs (the lines of a multi-line value indented under it); every value passes
   * {@link Secrets#mask}, and a control character in a name (a line break in a quoted identifier) is shown as
   * {@code \\uXXXX}, so that a name cannot make a line of its own.
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (CatalogObject o : missing) {
      lines.add(line("missing", o));
    }
    for (CatalogObject o : extra) {
      lines.add(line("extra", o));
    }
    for (Changed c : changed) {
      List<String> fields = c.fields();
      lines.add(String.format("%-10s%s: %s differ%s", "changed", oneLine(c.expected().key()),
          String.join(", ", fields), fields.size() == 1 ? "s" : ""));
      for (Field f : Field.values()) {
        if (fields.contains(f.label)) {
          lines.add(DETAIL + "expected " + f.label + ": " + shown(f.get.apply(c.expected())));
          lines.add(DETAIL + "actual   " + f.label + ": " + shown(f.get.apply(c.actual())));
        }
      }
    }
    return lines;
  }

  private static String line(String what, CatalogObject o) {
    String owner = o.owner() == null ? "" : " (owner " + o.owner() + ")";
    return String.format("%-10s%s%s", what, oneLine(o.key()), oneLine(owner));
  }

  /** A value under a changed object: masked; a line break goes on indented, so no line passes for an object's. */
  private static String shown(String value) {
    if (value == null) {
      return "(none)";
    }
    String masked = Secrets.mask(value).strip();
    StringBuilder out = new StringBuilder(masked.length());
    for (int i = 0; i < masked.length(); i++) {
      char ch = masked.charAt(i);
      if (ch == '\n') {
        out.append('\n').append(DETAIL).append("  ");
      } else if (ch != '\r') {
        out.append(ch);
      }
    }
    return out.toString();
  }

  /** Masked, and control characters (a line break in a quoted name) written as {@code \\uXXXX}. */
  private static String oneLine(String text) {
    String masked = Secrets.mask(text);
    StringBuilder out = new StringBuilder(masked.length());
    for (int i = 0; i < masked.length(); i++) {
      char ch = masked.charAt(i);
      if (Character.isISOControl(ch)) {
        out.append(String.format("\\u%04x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  private static Map<String, CatalogObject> byKey(List<CatalogObject> objects, String side) {
    List<CatalogObject> sorted = new ArrayList<>(objects);
    sorted.sort((a, b) -> a.key().compareTo(b.key()));
    Map<String, CatalogObject> map = new LinkedHashMap<>();
    for (CatalogObject o : sorted) {
      if (map.put(o.key(), o) != null) {
        throw new IllegalArgumentException(side + " listing holds two objects " + o.key());
      }
    }
    return map;
  }
}

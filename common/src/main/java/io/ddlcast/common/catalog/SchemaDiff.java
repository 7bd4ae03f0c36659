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
   * values of each field that differs; every value passes {@link Secrets#mask}.
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
      lines.add(String.format("%-10s%s: %s differ%s", "changed", Secrets.mask(c.expected().key()),
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
    return String.format("%-10s%s%s", what, Secrets.mask(o.key()), owner);
  }

  private static String shown(String value) {
    return value == null ? "(none)" : Secrets.mask(value);
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

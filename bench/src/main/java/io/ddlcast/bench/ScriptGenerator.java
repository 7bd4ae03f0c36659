package io.ddlcast.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The bulk and rebuild workload: a deterministic (seeded) DDL script across several databases, the way a schema
 * migration or an application's setup looks: schemas, tables with typed columns, identity keys, defaults, foreign
 * keys, indexes (multi-column, partial, unique), added columns, check and unique constraints, views, PL/pgSQL
 * functions (dollar-quoted bodies with semicolons and comments), sequences, enum types, comments with quotes and
 * semicolons, and some dropped views. Every statement succeeds on an empty cluster, in order.
 *
 * <p>The databases are created first (in {@code postgres}); then the script works on them in blocks of
 * {@value #BLOCK} statements, round robin, switching with psql's {@code \connect}. The count includes the
 * {@code CREATE DATABASE} statements.
 */
final class ScriptGenerator {
  static final int BLOCK = 50;
  private static final String[] TYPES = {"integer", "bigint", "text", "varchar(64)", "numeric(12,2)", "boolean",
      "timestamptz", "date", "jsonb", "uuid", "smallint", "double precision"};

  /** One statement and the database it runs in. */
  record Statement(String database, String sql) {}

  /** The statements in order, and the databases they fill. */
  record Script(List<String> databases, List<Statement> statements) {
    /** The script as {@code psql -f} runs it: {@code \connect DB} before each change of database. */
    String psqlText() {
      StringBuilder text = new StringBuilder("-- ddlcast bench workload: ").append(statements.size())
          .append(" DDL statements across ").append(databases).append('\n');
      String current = null;
      for (Statement s : statements) {
        if (!s.database().equals(current)) {
          text.append("\\connect ").append(s.database()).append('\n');
          current = s.database();
        }
        text.append(s.sql()).append(";\n");
      }
      return text.toString();
    }

    List<Statement> in(String database) {
      return statements.stream().filter(s -> s.database().equals(database)).toList();
    }
  }

  /** A table of the generator's model: its qualified name and its columns. */
  private static final class Table {
    final String name;
    final List<String> columns = new ArrayList<>();

    Table(String name) {
      this.name = name;
    }
  }

  /** What one database holds so far. */
  private static final class Model {
    final List<String> schemas = new ArrayList<>(List.of("public"));
    final List<Table> tables = new ArrayList<>();
    final List<String> views = new ArrayList<>();
    int next;

    String newName(Random random, String prefix) {
      String schema = schemas.get(random.nextInt(schemas.size()));
      return schema + "." + prefix + "_" + (++next);
    }
  }

  private ScriptGenerator() {}

  static Script generate(long seed, int count, int databaseCount) {
    if (count < databaseCount) {
      throw new IllegalArgumentException("need at least one statement per database");
    }
    Random random = new Random(seed);
    List<String> databases = new ArrayList<>();
    List<Statement> statements = new ArrayList<>(count);
    List<Model> models = new ArrayList<>();
    for (int i = 1; i <= databaseCount; i++) {
      String db = "bench_" + i;
      databases.add(db);
      models.add(new Model());
      statements.add(new Statement("postgres", "CREATE DATABASE " + db));
    }
    int block = 0;
    while (statements.size() < count) {
      int d = block++ % databaseCount;
      for (int i = 0; i < BLOCK && statements.size() < count; i++) {
        statements.add(new Statement(databases.get(d), next(random, models.get(d))));
      }
    }
    return new Script(List.copyOf(databases), List.copyOf(statements));
  }

  private static String next(Random random, Model m) {
    if (m.tables.size() < 2) {
      return createTable(random, m);
    }
    int roll = random.nextInt(100);
    if (roll < 24) {
      return createTable(random, m);
    } else if (roll < 42) {
      return createIndex(random, m);
    } else if (roll < 54) {
      Table t = pick(random, m.tables);
      String column = "added_" + (++m.next);
      t.columns.add(column);
      String type = TYPES[random.nextInt(TYPES.length)];
      return "ALTER TABLE " + t.name + " ADD COLUMN " + column + " " + type
          + (random.nextBoolean() ? "" : " NOT NULL DEFAULT " + defaultFor(type));
    } else if (roll < 64) {
      Table t = pick(random, m.tables);
      int n = ++m.next;
      return random.nextBoolean()
          ? "ALTER TABLE " + t.name + " ADD CONSTRAINT ck_" + n + " CHECK (qty >= " + (n % 7 - 3) + ")"
          : "ALTER TABLE " + t.name + " ADD CONSTRAINT uq_" + n + " UNIQUE (" + pick(random, t.columns) + ", id)";
    } else if (roll < 74) {
      Table t = pick(random, m.tables);
      String view = m.newName(random, "v");
      m.views.add(view);
      return "CREATE VIEW " + view + " AS\n  SELECT id, name, qty, qty * 2 AS double_qty\n  FROM " + t.name
          + "\n  WHERE qty > " + random.nextInt(100) + " AND name <> 'x;y'";
    } else if (roll < 84) {
      return createFunction(random, m);
    } else if (roll < 90) {
      Table t = pick(random, m.tables);
      return random.nextBoolean()
          ? "COMMENT ON TABLE " + t.name + " IS 'Rows of " + t.name + "; it''s generated (seed row "
              + m.next + ")'"
          : "COMMENT ON COLUMN " + t.name + ".name IS E'the name\\n-- not a comment; still the string'";
    } else if (roll < 93) {
      String schema = "s_" + (++m.next);
      m.schemas.add(schema);
      return "CREATE SCHEMA " + schema;
    } else if (roll < 95) {
      return "CREATE SEQUENCE " + m.newName(random, "seq") + " START " + (1 + random.nextInt(1000))
          + " INCREMENT BY " + (1 + random.nextInt(5));
    } else if (roll < 97) {
      return "CREATE TYPE " + m.newName(random, "state") + " AS ENUM ('new', 'open', 'it''s done')";
    } else if (!m.views.isEmpty()) {
      return "DROP VIEW " + m.views.remove(random.nextInt(m.views.size()));
    }
    return createTable(random, m);
  }

  private static String createTable(Random random, Model m) {
    Table t = new Table(m.newName(random, "t"));
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(t.name).append(" (\n")
        .append("  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n")
        .append("  name text NOT NULL DEFAULT '',\n")
        .append("  qty integer NOT NULL DEFAULT 0,\n")
        .append("  created timestamptz NOT NULL DEFAULT now()");
    t.columns.addAll(List.of("name", "qty", "created"));
    int extra = random.nextInt(6);
    for (int i = 1; i <= extra; i++) {
      String column = "c" + i;
      sql.append(",\n  ").append(column).append(' ').append(TYPES[random.nextInt(TYPES.length)]);
      t.columns.add(column);
    }
    if (!m.tables.isEmpty() && random.nextInt(3) == 0) {
      Table parent = pick(random, m.tables);
      sql.append(",\n  parent_id bigint REFERENCES ").append(parent.name).append(" (id) ON DELETE CASCADE");
      t.columns.add("parent_id");
    }
    sql.append(",\n  CHECK (qty >= 0)\n)");
    m.tables.add(t);
    return sql.toString();
  }

  private static String createIndex(Random random, Model m) {
    Table t = pick(random, m.tables);
    int n = ++m.next;
    String schema = t.name.substring(0, t.name.indexOf('.'));
    String index = "ix_" + n;
    return switch (random.nextInt(4)) {
      case 0 -> "CREATE INDEX " + index + " ON " + t.name + " (" + pick(random, t.columns) + ")";
      case 1 -> "CREATE INDEX " + index + " ON " + t.name + " (" + pick(random, t.columns) + ", qty DESC)";
      case 2 -> "CREATE INDEX " + index + " ON " + t.name + " (name) WHERE qty > 0";
      default -> "CREATE UNIQUE INDEX " + index + " ON " + t.name + " (name, id)"
          + (schema.equals("public") ? "" : " INCLUDE (qty)");
    };
  }

  private static String createFunction(Random random, Model m) {
    String name = m.newName(random, "f");
    int add = random.nextInt(1000);
    return "CREATE FUNCTION " + name + "(a integer, label text DEFAULT 'a;b')\n"
        + "RETURNS integer\nLANGUAGE plpgsql STABLE AS $fn$\n"
        + "DECLARE\n  result integer := a + " + add + ";\n"
        + "BEGIN\n"
        + "  -- a comment; with a semicolon\n"
        + "  IF label = 'stop;' THEN\n    RETURN 0;\n  END IF;\n"
        + "  RETURN result;\n"
        + "END\n$fn$";
  }

  private static String defaultFor(String type) {
    return switch (type) {
      case "text", "varchar(64)" -> "'n/a'";
      case "boolean" -> "false";
      case "timestamptz" -> "now()";
      case "date" -> "current_date";
      case "jsonb" -> "'{}'";
      case "uuid" -> "'00000000-0000-0000-0000-000000000000'";
      default -> "0";
    };
  }

  private static <T> T pick(Random random, List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}

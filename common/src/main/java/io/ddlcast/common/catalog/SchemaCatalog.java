package io.ddlcast.common.catalog;

import io.ddlcast.common.sql.Secrets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a database (or a cluster) holds, object by object, so that two servers can be compared without
 * {@code pg_dump}: {@code ddlcast rejoin} lists what an old primary has that the new one did not, and undoes it
 * ({@link Undo}); {@code ddlcast verify} compares digests. The listing reads the catalogs with one query per kind
 * (see {@link CatalogQueries} for what is listed and what is left out) in one snapshot: a read-only repeatable-read
 * transaction when the connection is in auto-commit, else a savepoint of the caller's transaction, rolled back
 * afterwards so that the session settings the listing needs do not stay.
 *
 * <p>Secrets: role passwords are never read; option values whose name is a secret ({@code password},
 * {@code secret_key}, ...) are masked by {@link Secrets#mask}, so two servers whose user mappings differ only in
 * a password list the same.
 */
public final class SchemaCatalog {
  private static final Comparator<CatalogObject> BY_KEY = Comparator.comparing(CatalogObject::key);

  private SchemaCatalog() {}

  /** The objects of the database {@code c} is connected to, sorted by key. */
  public static List<CatalogObject> database(Connection c) throws SQLException {
    return list(c, CatalogQueries.database(serverVersion(c)));
  }

  /**
   * Cluster-wide objects: roles (attributes, settings), role memberships (with admin option), databases (owner,
   * encoding, collation, settings from pg_db_role_setting, privileges), tablespaces (owner and options, not
   * location). Never a password value or verifier; roles named {@code pg_*} are left out. Sorted by key.
   */
  public static List<CatalogObject> globals(Connection c) throws SQLException {
    return list(c, CatalogQueries.globals(serverVersion(c)));
  }

  /** SHA-256 (hex) of the canonical encoding of the listing sorted by key: equal listings, equal digests. */
  public static String digest(List<CatalogObject> objects) {
    List<CatalogObject> sorted = new ArrayList<>(objects);
    sorted.sort(BY_KEY);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ListingCodec.encode(sorted)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The listing as JSON bytes, to travel in a Kafka record. */
  public static byte[] encode(List<CatalogObject> objects) {
    return ListingCodec.encode(objects);
  }

  /** A listing from {@link #encode}; malformed input is an {@link IllegalArgumentException} naming the problem. */
  public static List<CatalogObject> decode(byte[] json) {
    return ListingCodec.decode(json);
  }

  /**
   * The server's {@code server_version_num}; a server older than 15 is an {@link SQLException} (SQLState
   * 0A000, feature not supported) saying so, rather than a listing that would leave out what it cannot read.
   */
  private static int serverVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::int")) {
      rs.next();
      int version = rs.getInt(1);
      if (version < CatalogQueries.MIN_SERVER_VERSION) {
        throw new SQLException("the schema listing needs PostgreSQL 15 or later; this server is "
            + version / 10000 + "." + version % 100, "0A000");
      }
      return version;
    }
  }

  private static List<CatalogObject> list(Connection c, List<String> queries) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    Savepoint savepoint = null;
    try (Statement s = c.createStatement()) {
      if (autoCommit) {
        c.setAutoCommit(false);
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      } else {
        savepoint = c.setSavepoint();
      }
      for (String setting : CatalogQueries.SESSION) {
        s.execute(setting);
      }
      List<CatalogObject> objects = new ArrayList<>();
      for (String query : queries) {
        read(s, query, objects);
      }
      objects.sort(BY_KEY);
      requireUniqueKeys(objects);
      return objects;
    } finally {
      if (autoCommit) {
        c.rollback();
        c.setAutoCommit(true);
      } else if (savepoint != null) {
        c.rollback(savepoint);
      }
    }
  }

  private static void read(Statement s, String query, List<CatalogObject> into) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        String definition = rs.getString(4);
        if (rs.getBoolean(7)) {
          definition = Secrets.mask(definition);
        }
        into.add(new CatalogObject(rs.getString(1), rs.getString(2), rs.getString(3), definition,
            rs.getString(5), rs.getString(6)));
      }
    }
  }

  private static void requireUniqueKeys(List<CatalogObject> sorted) {
    Map<String, CatalogObject> seen = new HashMap<>();
    for (CatalogObject o : sorted) {
      if (seen.put(o.key(), o) != null) {
        throw new IllegalStateException("two objects listed as " + o.key());
      }
    }
  }
}

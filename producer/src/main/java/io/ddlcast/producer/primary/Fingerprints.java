package io.ddlcast.producer.primary;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.catalog.SchemaFingerprint;
import io.ddlcast.common.jdbc.PgUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes the primary's schema fingerprints for the drift alarm ({@link SchemaFingerprint}): each database listed as
 * {@code ddlcast verify} lists it, one short-lived connection per database, as the producer's role (the catalogs are
 * readable by any role).
 */
public final class Fingerprints {
  private final PgUrl primary;

  public Fingerprints(PgUrl primary) {
    this.primary = primary;
  }

  /** The databases a fingerprint is taken of: those that take connections, templates left out. */
  public List<String> databases() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = primary.connect("ddlcast-producer fingerprint", null); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT datname FROM pg_catalog.pg_database "
            + "WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** The fingerprint of one database; the maintenance database's (--primary-url's) holds the globals too. */
  public SchemaFingerprint take(String database, String source, int generation) throws SQLException {
    try (Connection c = primary.withDatabase(database).connect("ddlcast-producer fingerprint", null)) {
      List<CatalogObject> listing = new ArrayList<>(SchemaCatalog.database(c));
      boolean globals = database.equals(primary.database());
      if (globals) {
        listing.addAll(SchemaCatalog.globals(c));
      }
      return SchemaFingerprint.of(database, source, generation, Instant.now(), listing, globals);
    }
  }
}

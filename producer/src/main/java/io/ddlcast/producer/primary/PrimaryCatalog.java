package io.ddlcast.producer.primary;

import java.sql.SQLException;

/** What the producer reads from the primary's catalogs to complete an event ({@link EventCompleter}). */
public interface PrimaryCatalog {
  /** The password verifier PostgreSQL stored for a role (needs a superuser: SQLSTATE 42501 otherwise), or null. */
  String roleVerifier(String role) throws SQLException;

  /** The owner of a database, or null if there is no such database (any more). */
  String databaseOwner(String database) throws SQLException;
}

package io.ddlcast.producer.primary;

import java.sql.SQLException;

/** What the producer reads from the primary's catalogs to complete an event ({@link EventCompleter}). */
public interface PrimaryCatalog {
  /** The password verifier PostgreSQL stored for a role (needs a superuser: SQLSTATE 42501 otherwise), or null. */
  String roleVerifier(String role) throws SQLException;

  /** Whether a role of that name exists. */
  boolean roleExists(String role) throws SQLException;

  /** The owner of a database, or null if there is no such database (any more). */
  String databaseOwner(String database) throws SQLException;

  /** The owner of a tablespace, or null if there is no such tablespace (any more). */
  String tablespaceOwner(String tablespace) throws SQLException;

  /** The role recorded as having granted {@code role} to {@code member}, or null if it is not granted (any more). */
  String grantor(String role, String member) throws SQLException;

  /** Whether {@code login} can become {@code role} (is a member of it, or a superuser): SET ROLE would let it. */
  boolean canBecome(String login, String role) throws SQLException;
}

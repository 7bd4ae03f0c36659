package io.ddlcast.producer.primary;

import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.producer.capture.Xid;
import io.ddlcast.producer.settle.XactStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's connection to the primary, for what the log cannot say by itself. Every query is read-only but
 * the barrier ({@link #emitBarrier}), a {@code RAISE LOG} into the primary's own log.
 *
 * <p>A DDL whose session goes quiet (a JDBC client in auto-commit, whose commit happens at Sync and leaves no
 * record) would wait forever for a settling record. The primary knows whether its transaction is still running:
 * every transaction holds a lock on its own virtual transaction id ({@code pg_locks}, locktype
 * {@code virtualxid}). Once it is gone, an error of that transaction, if there was one, was already written to the
 * logging collector's pipe (a backend reports the error before it releases its locks). To be sure it has also
 * reached the file, the producer writes a barrier into the same pipe ({@code RAISE LOG}); the pipe keeps order, so
 * when the reader meets the barrier it has seen every record written before it.
 */
public final class PrimaryClient implements PrimaryCatalog, PrimaryRounds.Primary, AutoCloseable {
  public static final String BARRIER_PREFIX = "ddlcast barrier ";
  private static final Logger LOG = LoggerFactory.getLogger(PrimaryClient.class);

  private final PgUrl url;
  private Connection connection;

  public PrimaryClient(PgUrl url) {
    this.url = url;
  }

  /** Of the given transactions, those no longer running on the primary. */
  @Override
  public Set<String> ended(Collection<String> vxids) throws SQLException {
    Set<String> ended = new HashSet<>(vxids);
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT virtualxid FROM pg_catalog.pg_locks WHERE locktype = 'virtualxid' AND virtualxid = ANY (?)")) {
      Array array = connection().createArrayOf("text", vxids.toArray());
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ended.remove(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      reset();
      throw e;
    }
    return ended;
  }

  /**
   * What the primary says of each transaction id ({@code pg_xact_status}). A 32-bit id is placed in the epoch of the
   * full id it is {@link Xid#near} or, without one, of the primary's next id ({@link #fullId}).
   */
  @Override
  public Map<Xid, XactStatus> xactStatus(Collection<Xid> xids) throws SQLException {
    Map<Xid, XactStatus> out = new HashMap<>();
    Long next = null;
    Map<Xid, Long> full = new LinkedHashMap<>();
    for (Xid xid : xids) {
      if (next == null && !xid.full() && !nearFullId(xid)) {
        next = nextXid();
      }
      full.put(xid, fullId(xid, next == null ? 0 : next));
    }
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT pg_catalog.pg_xact_status(?::pg_catalog.xid8)")) {
      for (Map.Entry<Xid, Long> e : full.entrySet()) {
        ps.setString(1, Long.toUnsignedString(e.getValue()));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          out.put(e.getKey(), status(rs.getString(1)));
        } catch (SQLException ex) {
          if (!"22023".equals(ex.getSQLState())) { // "is in the future": not a transaction of this primary (yet)
            throw ex;
          }
          out.put(e.getKey(), XactStatus.UNKNOWN);
        }
      }
    } catch (SQLException e) {
      reset();
      throw e;
    }
    return out;
  }

  private static boolean nearFullId(Xid xid) {
    return xid.near() != null && xid.near().full();
  }

  /**
   * The full id of {@code xid}. A 32-bit id near a full one (a subtransaction near its top-level transaction, whose
   * id it follows) is the candidate nearest that id; any other is at or below {@code next}, the primary's next id,
   * used only for such an id.
   */
  static long fullId(Xid xid, long next) {
    if (xid.full()) {
      return xid.value();
    }
    return nearFullId(xid) ? widenNear(xid.value(), xid.near().value()) : widen(xid.value(), next);
  }

  /** A 32-bit xid as the full id nearest the reference, above or below it (they are at most 2^31 apart). */
  static long widenNear(long xid32, long reference) {
    long candidate = ((reference >>> 32) << 32) | xid32;
    if (candidate - reference > 1L << 31 && candidate >= 1L << 32) {
      candidate -= 1L << 32;
    } else if (reference - candidate > 1L << 31) {
      candidate += 1L << 32;
    }
    return candidate;
  }

  /** A 32-bit xid as the full id nearest below-or-at the reference (they are at most 2^31 apart). */
  static long widen(long xid32, long reference) {
    long epoch = reference >>> 32;
    long candidate = (epoch << 32) | xid32;
    if (candidate > reference && epoch > 0) {
      candidate -= 1L << 32;
    }
    return candidate;
  }

  private long nextXid() throws SQLException {
    try (Statement st = connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text")) {
      rs.next();
      return Long.parseLong(rs.getString(1));
    }
  }

  private static XactStatus status(String text) {
    if (text == null) {
      return XactStatus.UNKNOWN;
    }
    return switch (text) {
      case "committed" -> XactStatus.COMMITTED;
      case "aborted" -> XactStatus.ABORTED;
      case "in progress" -> XactStatus.IN_PROGRESS;
      default -> XactStatus.UNKNOWN;
    };
  }

  @Override
  public String roleVerifier(String role) throws SQLException {
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        throw e; // not a superuser: the caller reports it
      }
      reset();
      throw e;
    }
  }

  @Override
  public String databaseOwner(String database) throws SQLException {
    return single("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname = ?",
        database);
  }

  @Override
  public boolean roleExists(String role) throws SQLException {
    return single("SELECT 'yes' FROM pg_catalog.pg_roles WHERE rolname = ?", role) != null;
  }

  @Override
  public String tablespaceOwner(String tablespace) throws SQLException {
    return single("SELECT pg_catalog.pg_get_userbyid(spcowner) FROM pg_catalog.pg_tablespace WHERE spcname = ?",
        tablespace);
  }

  @Override
  public String grantor(String role, String member) throws SQLException {
    return single("SELECT pg_catalog.pg_get_userbyid(m.grantor) FROM pg_catalog.pg_auth_members m "
        + "JOIN pg_catalog.pg_roles r ON r.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member "
        + "WHERE r.rolname = ? AND u.rolname = ?", role, member);
  }

  @Override
  public boolean canBecome(String login, String role) throws SQLException {
    return "t".equals(single("SELECT CASE WHEN pg_catalog.pg_has_role(l.oid, r.oid, 'MEMBER') THEN 't' END "
        + "FROM pg_catalog.pg_roles l, pg_catalog.pg_roles r WHERE l.rolname = ? AND r.rolname = ?", login, role));
  }

  /** The first column of the first row of a catalog query, or null. */
  private String single(String sql, String... parameters) throws SQLException {
    try (PreparedStatement ps = connection().prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      reset();
      throw e;
    }
  }

  /** Writes a barrier record into the primary's log. */
  @Override
  public void emitBarrier(String token) throws SQLException {
    try (Statement st = connection().createStatement()) {
      st.execute("DO $ddlcast$ BEGIN RAISE LOG '" + BARRIER_PREFIX + "%', '" + token.replace("'", "")
          + "'; END $ddlcast$");
    } catch (SQLException e) {
      reset();
      throw e;
    }
  }

  /** The primary's system identifier: what names this source when no --source is given. */
  public String systemIdentifier() throws SQLException {
    try (Statement st = connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT system_identifier FROM pg_catalog.pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Current values of the named settings. */
  public Map<String, String> settings(List<String> names) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT name, setting FROM pg_catalog.pg_settings WHERE name = ANY (?) ORDER BY name")) {
      ps.setArray(1, connection().createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return values;
  }

  @Override
  public String describe() {
    return url.toString();
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = url.connect("ddlcast-producer", null);
      connection.setAutoCommit(true);
    }
    return connection;
  }

  private void reset() {
    close();
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the primary connection: {}", e.toString());
      }
      connection = null;
    }
  }
}

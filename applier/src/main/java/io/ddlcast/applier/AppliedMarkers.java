package io.ddlcast.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What each lane applied, recorded on the standby itself, in the same transaction as the statement: a row of
 * {@code ddlcast.applied} per lane and topic partition, in the database the lane's statements run in (the
 * maintenance database for cluster-wide ones). Kafka offsets stay the checkpoint; the marker makes re-delivery
 * after a crash exact: an event at or below it was applied, and is not applied again.
 *
 * <p>Statements that cannot run in a transaction block ({@code CREATE DATABASE}, {@code CREATE INDEX
 * CONCURRENTLY}, ...) cannot share one with the marker. For them the marker first records the event as in doubt,
 * then the statement runs, then the marker records it applied. A restarted applier that finds an event in doubt
 * checks whether it took effect (the database exists, the index exists and is valid, ...) before running it again.
 *
 * <p>Schema {@code ddlcast} and its table must be a superuser's: their owner could put anything there (the standby's
 * {@link RunAs} functions live there too); the applier refuses to work with them otherwise. Every name is
 * qualified ({@code pg_catalog.now()}, {@code pg_catalog.text}), and the connection's search path is
 * {@code pg_catalog, pg_temp} anyway (pgjdbc's parameter casts, {@code '5'::int8}, are not qualified).
 *
 * <pre>{@code
 * ddlcast.applied(lane text, topic text, kafka_partition int, last_offset bigint, event_id text,
 *                 in_doubt_offset bigint, applied_at timestamptz)   -- primary key (lane, topic, kafka_partition)
 * }</pre>
 */
final class AppliedMarkers {
  /** A lane's marker: the last offset applied, and an offset in doubt (-1: none). */
  record Marker(long lastOffset, long inDoubt) {
    static final Marker NONE = new Marker(-1, -1);
  }

  private static final String CREATE = "CREATE SCHEMA IF NOT EXISTS ddlcast; "
      + "CREATE TABLE IF NOT EXISTS ddlcast.applied (lane pg_catalog.text NOT NULL, topic pg_catalog.text NOT NULL, "
      + "kafka_partition pg_catalog.int4 NOT NULL, last_offset pg_catalog.int8 NOT NULL, "
      + "event_id pg_catalog.text NOT NULL, in_doubt_offset pg_catalog.int8, applied_at pg_catalog.timestamptz "
      + "NOT NULL DEFAULT pg_catalog.now(), PRIMARY KEY (lane, topic, kafka_partition)); "
      + "COMMENT ON TABLE ddlcast.applied IS 'ddlcast applier: the last event applied per lane and topic partition'";
  private static final String UPSERT = "INSERT INTO ddlcast.applied AS a (lane, topic, kafka_partition, last_offset, "
      + "event_id, in_doubt_offset, applied_at) VALUES (?, ?, ?, ?, ?, ?, pg_catalog.now()) ON CONFLICT (lane, topic, "
      + "kafka_partition) DO UPDATE SET last_offset = EXCLUDED.last_offset, event_id = EXCLUDED.event_id, "
      + "in_doubt_offset = EXCLUDED.in_doubt_offset, applied_at = pg_catalog.now()";
  private static final String OWNERS = "SELECT r.rolname, r.rolsuper FROM pg_catalog.pg_namespace n "
      + "JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = 'applied' "
      + "JOIN pg_catalog.pg_roles r ON r.oid IN (n.nspowner, c.relowner) WHERE n.nspname = 'ddlcast'";

  /** Whose marker: a lane's in one topic partition. */
  private record Key(Lane lane, TopicPartition partition) {
    static Key of(Work work) {
      return new Key(work.lane(), work.partition());
    }
  }

  private final Map<Key, Marker> cache = new ConcurrentHashMap<>();
  private final Map<Connection, Boolean> ready = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * The marker of the work's lane and partition as the standby has it (read once per lane and partition, then kept
   * up to date here).
   */
  Marker read(Connection c, Work work) throws SQLException {
    Key key = Key.of(work);
    Marker cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    ensureTable(c);
    try (PreparedStatement ps = c.prepareStatement("SELECT last_offset, coalesce(in_doubt_offset, -1) "
        + "FROM ddlcast.applied WHERE lane = ? AND topic = ? AND kafka_partition = ?")) {
      ps.setString(1, key.lane().name());
      ps.setString(2, key.partition().topic());
      ps.setInt(3, key.partition().partition());
      try (ResultSet rs = ps.executeQuery()) {
        Marker marker = rs.next() ? new Marker(rs.getLong(1), rs.getLong(2)) : Marker.NONE;
        cache.put(key, marker);
        return marker;
      }
    }
  }

  /** The marker of the work's lane and partition if this applier already knows it (no round trip), else null. */
  Marker cached(Work work) {
    return cache.get(Key.of(work));
  }

  /**
   * Records the work applied inside the caller's open transaction, after running {@code first} (the reset of what
   * the statement's code set for the session): one round trip where the table is known to exist.
   */
  void appliedAfter(Connection c, String first, Work work) throws SQLException {
    if (!ready.containsKey(c)) {
      try (Statement st = c.createStatement()) {
        st.execute(first);
      }
      applied(c, work);
      return;
    }
    TopicPartition tp = work.partition();
    String upsert = "INSERT INTO ddlcast.applied AS a (lane, topic, kafka_partition, last_offset, event_id, "
        + "in_doubt_offset, applied_at) VALUES (" + StandbyConnections.literal(work.lane().name()) + ", "
        + StandbyConnections.literal(tp.topic()) + ", " + tp.partition() + ", " + work.offset() + ", "
        + StandbyConnections.literal(work.event().id()) + ", NULL, pg_catalog.now()) ON CONFLICT (lane, topic, "
        + "kafka_partition) DO UPDATE SET last_offset = EXCLUDED.last_offset, event_id = EXCLUDED.event_id, "
        + "in_doubt_offset = EXCLUDED.in_doubt_offset, applied_at = pg_catalog.now()";
    try (Statement st = c.createStatement()) {
      st.setEscapeProcessing(false);
      st.execute(first + "; " + upsert);
    }
    cache.put(Key.of(work), new Marker(work.offset(), -1));
  }

  /** Records the work applied (inside the caller's transaction, when there is one). */
  void applied(Connection c, Work work) throws SQLException {
    write(c, work, work.offset(), null);
    cache.put(Key.of(work), new Marker(work.offset(), -1));
  }

  /** Records that the work's event is about to run outside a transaction: after a crash, it is in doubt. */
  void inDoubt(Connection c, Work work) throws SQLException {
    Marker current = read(c, work);
    write(c, work, current.lastOffset(), work.offset());
    cache.put(Key.of(work), new Marker(current.lastOffset(), work.offset()));
  }

  /** Forgets the cached marker (after the connection broke: what was written may not be what is cached). */
  void forget(Work work) {
    cache.remove(Key.of(work));
  }

  /** Writes the marker of the work's lane and partition, naming the work's event. */
  private void write(Connection c, Work work, long last, Long inDoubt) throws SQLException {
    ensureTable(c);
    try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
      ps.setString(1, work.lane().name());
      ps.setString(2, work.partition().topic());
      ps.setInt(3, work.partition().partition());
      ps.setLong(4, last);
      ps.setString(5, work.event().id());
      if (inDoubt == null) {
        ps.setNull(6, Types.BIGINT);
      } else {
        ps.setLong(6, inDoubt);
      }
      ps.executeUpdate();
    }
  }

  private void ensureTable(Connection c) throws SQLException {
    if (ready.containsKey(c)) {
      return;
    }
    boolean autoCommit = c.getAutoCommit();
    try (Statement st = c.createStatement()) {
      if (!autoCommit) {
        st.execute("SAVEPOINT ddlcast_marker");
      }
      st.execute(CREATE);
      if (!autoCommit) {
        st.execute("RELEASE SAVEPOINT ddlcast_marker");
      }
      try (ResultSet rs = st.executeQuery(OWNERS)) {
        while (rs.next()) {
          if (!rs.getBoolean(2)) {
            throw new SQLException("schema ddlcast or its table applied on the standby is owned by " + rs.getString(1)
                + ", not a superuser: its owner could change what ddlcast relies on there; make a superuser the "
                + "owner of both", "42501");
          }
        }
      }
    }
    ready.put(c, Boolean.TRUE);
  }
}

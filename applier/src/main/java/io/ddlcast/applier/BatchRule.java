package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.sql.SqlCommand;
import io.ddlcast.common.sql.SqlLexer;
import io.ddlcast.common.sql.SqlLexer.Token;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Which consecutive events of one database lane may run in one standby transaction with one marker update (a
 * batch, see {@link ApplyLane}), and how many. A commit and a marker row per event bounded a rebuild and a bulk
 * apply (docs/benchmarks.md: about 10, then 4, round trips per statement); a batch shares them.
 *
 * <p>A batch only takes what is already queued: a lane that is caught up runs each event the moment it arrives,
 * alone. What may share a transaction is decided per event ({@link #fit}):
 *
 * <ul>
 *   <li>{@link Fit#ALONE}: never in a batch, run by itself as before. Cluster-wide events (barriers), records
 *       that are not events, sealed statements (their errors are masked where they are opened), statements
 *       PostgreSQL refuses in a transaction block ({@code SqlCommand.nonTransactional()}: CREATE INDEX
 *       CONCURRENTLY, VACUUM, ...) and those it may refuse depending on their options or version
 *       ({@link StatementExecutor#mayRunOutsideTransaction}: REINDEX, CLUSTER, ...) but a plain CREATE or DROP
 *       INDEX, and the tablespace statements the executor may skip.
 *   <li>{@link Fit#LAST}: may end a batch, nothing after it joins. {@code ALTER TYPE ... ADD VALUE}: PostgreSQL
 *       refuses the new value until the transaction that added it commits (55P04, "unsafe use of new value");
 *       {@code DROP OWNED} and {@code REASSIGN OWNED}: they may drop or give away the functions through which
 *       later events run as their roles ({@link RunAs}), which the executor learns again only after a commit.
 *   <li>{@link Fit#JOINS}: everything else.
 * </ul>
 *
 * <p>The execution context is not a reason to break a batch: each event's statement runs through its own role's
 * security-definer function with its own search_path (pinned by the function and set inside it), its settings
 * are set for it, and {@code RESET ALL} runs between two statements, so that each runs in exactly the context
 * it would have had in a transaction of its own.
 *
 * @see Bounds for how many events, bytes and how much time one batch may take
 */
final class BatchRule {
  /** What an event may do in a batch. */
  enum Fit {
    /** May join a batch and be followed in it. */
    JOINS,
    /** May join a batch, as its last event. */
    LAST,
    /** Runs by itself. */
    ALONE
  }

  /**
   * The bounds of one batch: events, bytes of statement text, and how long its transaction may keep taking
   * events (a batch in progress is never waited for: it takes what is queued when its previous statement ends).
   */
  record Bounds(int maxEvents, long maxBytes, Duration maxTime) {
    static final Bounds DEFAULT = new Bounds(200, 1 << 20, Duration.ofSeconds(1));
    /** One event per transaction, as before batches. */
    static final Bounds NONE = new Bounds(1, 1 << 20, Duration.ofSeconds(1));

    boolean enabled() {
      return maxEvents > 1;
    }
  }

  private static final Set<String> ENDS_AFTER = Set.of("DROP OWNED", "REASSIGN OWNED");

  private BatchRule() {}

  /** What the record may do in a batch of its lane. */
  static Fit fit(Work work) {
    DdlEvent event = work.event();
    if (work.invalid() != null || event == null || work.lane().isCluster() || event.sealed() != null
        || event.statement() == null || event.command() == null || event.command().endsWith("TABLESPACE")) {
      return Fit.ALONE;
    }
    String sql = event.statement();
    SqlCommand command = SqlCommand.of(sql);
    String tag = command.tag();
    if (command.nonTransactional()) {
      return Fit.ALONE;
    }
    if (tag.equals("ALTER TYPE") && addsValue(sql)) {
      return Fit.LAST;
    }
    if (ENDS_AFTER.contains(tag) || ENDS_AFTER.contains(event.command())) {
      return Fit.LAST;
    }
    if (StatementExecutor.mayRunOutsideTransaction(sql) && !tag.equals("CREATE INDEX") && !tag.equals("DROP INDEX")) {
      return Fit.ALONE;
    }
    return Fit.JOINS;
  }

  private static boolean addsValue(String sql) {
    List<Token> tokens = SqlLexer.tokens(sql, 12);
    for (int k = 0; k + 1 < tokens.size(); k++) {
      if (tokens.get(k).is("ADD") && tokens.get(k + 1).is("VALUE")) {
        return true;
      }
    }
    return false;
  }

  /** The size a statement counts for against {@link Bounds#maxBytes}. */
  static long bytes(Work work) {
    String statement = work.event() == null ? null : work.event().statement();
    return statement == null ? 0 : statement.getBytes(StandardCharsets.UTF_8).length;
  }

  /** One batch being taken: what it holds so far, against its bounds. */
  static final class Batch {
    private final Bounds bounds;
    private final Work first;
    private final long startedNanos;
    private int events;
    private long bytes;
    private boolean closed;

    Batch(Bounds bounds, Work first, long nowNanos) {
      this.bounds = bounds;
      this.first = first;
      this.startedNanos = nowNanos;
      add(first);
    }

    /**
     * True if {@code next} may join now: it fits, is of the first's lane and partition (one marker row), and the
     * batch stays within its bounds with it.
     */
    boolean admits(Work next, long nowNanos) {
      return !closed && fit(next) != Fit.ALONE && next.lane().equals(first.lane())
          && next.partition().equals(first.partition()) && events < bounds.maxEvents()
          && bytes + bytes(next) <= bounds.maxBytes() && nowNanos - startedNanos < bounds.maxTime().toNanos();
    }

    void add(Work work) {
      events++;
      bytes += bytes(work);
      closed |= fit(work) != Fit.JOINS;
    }

    int events() {
      return events;
    }
  }
}

package io.ddlcast.producer;

import io.ddlcast.producer.csvlog.LogCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Whether the dumps of one snapshot attempt show the primary at exactly one point of the event stream: the point
 * where the events topic ended when the attempt began. DDL can commit while the dumps run, and the producer may be
 * behind; the attempt is kept only when all of this held, and retried otherwise:
 *
 * <ol>
 *   <li>The topic's end offsets ({@code read_committed}) were the same when the attempt began and after the producer
 *       had read past a barrier written into the primary's log after the dumps: no event was published for DDL
 *       that committed before the barrier and was not yet published at the start, nor for DDL that committed
 *       during the dumps.
 *   <li>The producer's checkpoint at that barrier holds no DDL waiting for its transaction's end (or a
 *       multi-statement string's rest, a prepared transaction's outcome): a statement record is written before the
 *       statement runs, so DDL that committed before the dumps but whose completion record the producer had not
 *       read yet shows there; its event would come after the offsets and would be run twice.
 *   <li>The schema listing's digest ({@code SchemaCatalog}) of the globals and of every database was the same
 *       before and after the dumps, and the databases were the same: a second, independent witness of DDL committed
 *       during the dumps, also of DDL the producer does not publish at all.
 * </ol>
 *
 * Then every event before the offsets committed before the attempt began (it was published then), so the dumps
 * show it; and every DDL the dumps show was published before the offsets (else the topic would have grown, or its
 * statement would wait in the checkpoint). The barrier travels through the logging collector's pipe, which keeps the
 * order of the records written to it: when the producer has read it, it has read every record written before.
 */
final class SnapshotPoint {
  /** What one attempt saw; digests by database ({@link #GLOBALS} for the cluster's objects). */
  record Observation(SortedMap<Integer, Long> endOffsetsBefore, SortedMap<Integer, Long> endOffsetsAfter,
      Map<String, String> digestsBefore, Map<String, String> digestsAfter, boolean checkpointHoldsDdl) {}

  static final String GLOBALS = "(globals)";

  private SnapshotPoint() {}

  /** Why the attempt does not show one point of the stream, or empty when it does. */
  static Optional<String> whyNotExact(Observation seen) {
    List<String> reasons = new ArrayList<>();
    if (!seen.endOffsetsBefore().equals(seen.endOffsetsAfter())) {
      long published = 0;
      for (Map.Entry<Integer, Long> e : seen.endOffsetsAfter().entrySet()) {
        published += e.getValue() - seen.endOffsetsBefore().getOrDefault(e.getKey(), 0L);
      }
      reasons.add("the events topic grew by " + published + " record(s) meanwhile (events and their transaction "
          + "markers; end offsets " + seen.endOffsetsBefore() + " then " + seen.endOffsetsAfter() + ")");
    }
    if (seen.checkpointHoldsDdl()) {
      reasons.add("the producer's checkpoint holds DDL waiting for its transaction's end");
    }
    TreeSet<String> changed = new TreeSet<>();
    TreeSet<String> names = new TreeSet<>(seen.digestsBefore().keySet());
    names.addAll(seen.digestsAfter().keySet());
    for (String name : names) {
      if (!Objects.equals(seen.digestsBefore().get(name), seen.digestsAfter().get(name))) {
        changed.add(name);
      }
    }
    if (!changed.isEmpty()) {
      reasons.add("the schema changed while it was dumped: " + String.join(", ", changed));
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }

  /**
   * True when the producer, at {@code cursor}, has read the record that starts at or before byte {@code at} of
   * {@code file} (a barrier): a later file (csvlog names sort in time order), or past that byte in the same one.
   */
  static boolean readPast(LogCursor cursor, String file, long at) {
    if (cursor == null) {
      return false;
    }
    int order = cursor.file().compareTo(file);
    return order > 0 || (order == 0 && cursor.offset() > at);
  }
}

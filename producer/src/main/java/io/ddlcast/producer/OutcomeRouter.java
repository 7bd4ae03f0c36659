package io.ddlcast.producer;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.publish.EventPublisher;
import io.ddlcast.producer.settle.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts what the tracker settled: events to publish; events the filters leave out (counted, logged); and drops,
 * logged and counted by their {@link DropKind} (a warning where a standby misses something unless someone acts).
 * An event too large for a record is dropped here, by the publisher's size rule.
 */
final class OutcomeRouter {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeRouter.class);
  private static final int SHOWN = 200;

  private final EventFilter filter;
  private final ProducerMetrics metrics;
  private final Consumer<String> newDatabase;
  private volatile long filtered;
  private volatile long refused;
  private long dropped;

  /** {@code newDatabase} is told of each CREATE DATABASE that took effect, published or filtered. */
  OutcomeRouter(EventFilter filter, ProducerMetrics metrics, Consumer<String> newDatabase) {
    this.filter = filter;
    this.metrics = metrics;
    this.newDatabase = newDatabase;
  }

  /** The events to publish, in order. */
  List<DdlEvent> route(List<Outcome> outcomes) {
    List<DdlEvent> events = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Drop d) {
        drop(d);
      } else if (!EventPublisher.fits(outcome.event())) {
        tooLarge(outcome.event());
      } else if (!filter.accepts(outcome.event())) {
        filter(outcome.event());
      } else {
        events.add(outcome.event());
      }
    }
    return events;
  }

  private void drop(Outcome.Drop d) {
    dropped++;
    if (d.kind() == DropKind.UNSAFE || d.kind() == DropKind.REFUSED || d.kind() == DropKind.UNSEALED) {
      refused++;
    }
    metrics.dropped(d.kind());
    DdlEvent e = d.event();
    if (d.kind().needsOperator()) {
      LOG.warn("not published: {} in {} ({}): {}", e.id(), e.database(), d.reason(), shown(e));
    } else {
      LOG.info("not published: {} in {} ({}): {}", e.id(), e.database(), d.reason(), shown(e));
    }
  }

  private void tooLarge(DdlEvent e) {
    dropped++;
    metrics.dropped(DropKind.TOO_LARGE);
    LOG.error("not published: {} in {} at {}: the statement has {} characters, more than an event can carry "
            + "({} MB); apply it to the standbys by hand", e.id(), e.database(), e.position(), e.statement().length(),
        EventPublisher.MAX_RECORD_BYTES >> 20);
  }

  private void filter(DdlEvent e) {
    filtered++;
    LOG.info("filtered: {} in {} ({}): {}", e.id(), e.database(), filter.rejection(e), shown(e));
    if ("CREATE DATABASE".equals(e.command())) {
      newDatabase.accept(e.key()); // DDL in it may still be published: capture it exactly
    }
  }

  private static String shown(DdlEvent e) {
    return Secrets.maskAndShorten(e.statement(), SHOWN);
  }

  /** Events the filters left out, in all (the checkpoint carries the count across restarts). */
  long filtered() {
    return filtered;
  }

  void restoreFiltered(long count) {
    filtered = count;
  }

  /** Statements refused (unsafe to replay, or not replicable exactly), in all (the checkpoint carries the count). */
  long refused() {
    return refused;
  }

  void restoreRefused(long count) {
    refused = count;
  }

  /** Statements not published in this run. */
  long dropped() {
    return dropped;
  }
}

package io.ddlcast.producer;

import io.ddlcast.common.event.DdlEvent;

/** What became of a DDL statement seen in the log: published, or dropped with the reason. */
sealed interface Outcome {
  DdlEvent event();

  /** The statement took effect on the primary: publish it. */
  record Publish(DdlEvent event) implements Outcome {}

  /** The statement did not take effect (or must not be replayed): never published. */
  record Drop(DdlEvent event, String reason) implements Outcome {}
}

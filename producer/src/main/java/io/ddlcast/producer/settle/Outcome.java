package io.ddlcast.producer.settle;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.producer.capture.DropKind;

/** What became of a DDL statement seen in the log: published, or dropped with its kind and the reason. */
public sealed interface Outcome {
  DdlEvent event();

  /** The statement took effect on the primary: publish it. */
  record Publish(DdlEvent event) implements Outcome {}

  /** The statement did not take effect (or must not be replayed): never published. */
  record Drop(DdlEvent event, DropKind kind, String reason) implements Outcome {}
}

package io.ddlcast.applier;

import io.ddlcast.common.status.ApplyResult;

/** Where a lane reports what it did with each event (see {@link ResultPublisher}); {@link #NONE} reports nowhere. */
interface ResultSink {
  void publish(ApplyResult result);

  /** The event this standby skipped, with the result that says why. */
  void deadLetter(Work work, ApplyResult result);

  ResultSink NONE = new ResultSink() {
    @Override
    public void publish(ApplyResult result) {}

    @Override
    public void deadLetter(Work work, ApplyResult result) {}
  };
}

package io.ddlcast.producer.publish;

/**
 * A checkpoint larger than a record: the DDL waiting for its transactions' ends outgrew what one checkpoint holds.
 * Nothing was written; the events wait until the checkpoint that goes with them fits again.
 */
public final class CheckpointTooLargeException extends RuntimeException {
  public CheckpointTooLargeException(int bytes, int limit) {
    super("the checkpoint has " + bytes + " bytes, more than a record holds (" + limit + ")");
  }
}

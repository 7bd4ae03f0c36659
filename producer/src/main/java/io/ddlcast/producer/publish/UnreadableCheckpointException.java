package io.ddlcast.producer.publish;

/**
 * A checkpoint record that is not one this build wrote or can read (garbled, another version, a field missing or
 * of the wrong type): the producer cannot tell where it stopped, and does not guess.
 */
public final class UnreadableCheckpointException extends RuntimeException {
  public UnreadableCheckpointException(String problem, Throwable cause) {
    super(problem, cause);
  }
}

package io.ddlcast.testkit;

/**
 * Thrown when a test server or helper process cannot do what was asked: an external command failed, a SQL
 * statement failed, a server did not come up. Unchecked because callers are tests and the demo, which can only
 * report it; the message names what failed (command line, server, database) and carries the relevant output.
 */
public class TestkitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TestkitException(String message) {
    super(message);
  }

  public TestkitException(String message, Throwable cause) {
    super(message, cause);
  }
}

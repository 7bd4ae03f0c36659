package io.ddlcast.common.error;

/**
 * A failure that ends a command with a known exit code and a message meant for the operator: it names what failed
 * and, where there is one, what to do. The command line prints only the message unless {@code --verbose} is given.
 */
public class DdlcastException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;

  public DdlcastException(ExitCode exitCode, String message) {
    this(exitCode, message, null);
  }

  public DdlcastException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}

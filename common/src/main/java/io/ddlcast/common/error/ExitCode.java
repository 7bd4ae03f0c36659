package io.ddlcast.common.error;

/**
 * Every exit status a ddlcast command can end with. Scripts may rely on these numbers.
 *
 * <ul>
 *   <li>{@link #OK} 0: done, or stopped on request (SIGTERM) after a clean shutdown.
 *   <li>{@link #NOT_MET} 1: the command ran but what it checks does not hold (not ready, not converged).
 *   <li>{@link #USAGE} 2: bad option, bad configuration file, invalid value; nothing was started.
 *   <li>{@link #FAILED} 3: a run ended on an error it cannot recover from (fenced, permission denied, ...).
 *   <li>{@link #INTERNAL} 70: a bug in ddlcast; the message says so and {@code --verbose} shows the stack.
 * </ul>
 */
public enum ExitCode {
  OK(0),
  NOT_MET(1),
  USAGE(2),
  FAILED(3),
  INTERNAL(70);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}

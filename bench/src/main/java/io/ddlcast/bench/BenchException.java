package io.ddlcast.bench;

/** A benchmark step that could not be carried out (a server, a command or a convergence that failed). */
final class BenchException extends RuntimeException {
  BenchException(String message) {
    super(message);
  }

  BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}

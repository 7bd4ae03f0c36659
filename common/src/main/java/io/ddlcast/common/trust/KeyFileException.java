package io.ddlcast.common.trust;

/** A key file that cannot be used, with why (no such file, not a PEM key of the right kind, readable by others). */
public final class KeyFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  KeyFileException(String message) {
    super(message);
  }

  KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.ddlcast.common.seal;

/** A sealed statement that cannot be opened here, and why (never its content). */
public final class SealException extends Exception {
  public SealException(String message) {
    super(message);
  }
}

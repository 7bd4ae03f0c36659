package io.ddlcast.common.status;

/**
 * Whether an applier verifies the signatures of the events it applies: its heartbeats say so, and {@code status}
 * shows a standby that runs unsigned events (whoever can write the topic runs statements there).
 */
public enum Signatures {
  /** Only events signed by a key it trusts ({@code --trusted-keys}) are applied. */
  VERIFIED,
  /** Events are applied without a signature check (no {@code --trusted-keys}). */
  UNSIGNED
}

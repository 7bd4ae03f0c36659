package io.ddlcast.producer.capture;

/**
 * Which databases' helper records are believed. A record that reads as the helper's report names the role a
 * statement ran as, so it decides with which rights the statement runs on every standby: it is believed only when
 * it comes from the helper's own function (its first context frame, which {@code RAISE} in any other code cannot
 * write) and that function, in that database, is the one {@code install} put there, owned by a superuser together
 * with its schema. Who can check that asks the primary ({@code VerifiedHelpers}); this interface only answers.
 */
@FunctionalInterface
public interface HelperTrust {
  /** True when the helper in {@code database} was verified: its function and schema owned by a superuser. */
  boolean trusts(String database);

  /**
   * False when {@code database} is known not to be UTF8: its statements reach the log in its own encoding, which
   * ddlcast does not read as such (unknown: true, and only bytes that are not UTF-8 at all are caught).
   */
  default boolean utf8(String database) {
    return true;
  }

  /**
   * False when no helper can be verified at all (no primary to ask): that none is believed is then the rule, said
   * at startup, and a helper record not believed is reported once per database, not each time.
   */
  default boolean verifies() {
    return true;
  }

  /** Offline reading ({@code scan}, tests): the frame is checked, the owner cannot be. */
  HelperTrust FRAMES_ONLY = database -> true;

  /** No primary to ask: no helper record is believed, events carry the login role only. */
  HelperTrust NONE = new HelperTrust() {
    @Override
    public boolean trusts(String database) {
      return false;
    }

    @Override
    public boolean verifies() {
      return false;
    }
  };
}

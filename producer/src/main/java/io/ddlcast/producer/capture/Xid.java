package io.ddlcast.producer.capture;

/**
 * A transaction id as the primary's log gives it. ddlcast's helper reports full 64-bit ids
 * ({@code pg_current_xact_id_if_assigned()}, type {@code xid8}) for a command's top-level transaction; the csvlog's
 * {@code transaction_id} column and the helper's subtransaction ids ({@code pg_locks}) are 32-bit, which the primary
 * places in an epoch: that of the full id they belong {@link #near} (a subtransaction's top-level transaction), or
 * else that of its next id.
 *
 * <p>As text (the checkpoint, logs): {@code 745} (full), {@code x32:748} (32-bit), {@code x32:748@747} (32-bit, near
 * the full id 747).
 *
 * @param value the id; for a 32-bit id, the low 32 bits only
 * @param full whether {@code value} is a full 64-bit id
 * @param near for a 32-bit id, the transaction it belongs to (null if unknown)
 */
public record Xid(long value, boolean full, Xid near) {
  private static final String X32 = "x32:";

  public Xid {
    if (!full && (value < 0 || value > 0xFFFFFFFFL)) {
      throw new IllegalArgumentException("not a 32-bit transaction id: " + value);
    }
  }

  /** A full ({@code xid8}) id. */
  public static Xid full(long value) {
    return new Xid(value, true, null);
  }

  /** A 32-bit id. */
  public static Xid of32(long value) {
    return new Xid(value, false, null);
  }

  /**
   * The csvlog's {@code transaction_id} column: null when the transaction has no id yet ({@code 0} or empty), or
   * when the column holds no id at all (a garbled record).
   */
  public static Xid fromLogColumn(String column) {
    if (column == null || column.isEmpty() || column.equals("0")) {
      return null;
    }
    try {
      return of32(parseDigits(column, 10));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** This 32-bit id, placed near a full id (or left to the primary's next id when {@code top} is not full). */
  public Xid near(Xid top) {
    return new Xid(full ? value & 0xFFFFFFFFL : value, false, top);
  }

  /** True when this 32-bit id is the low half of {@code top}: the same transaction, not a subtransaction of it. */
  public boolean sameTransactionAs(Xid top) {
    return top != null && (top.value & 0xFFFFFFFFL) == (value & 0xFFFFFFFFL);
  }

  /** Reads {@link #toString()}'s form; throws IllegalArgumentException for anything else. */
  public static Xid parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty transaction id");
    }
    if (!text.startsWith(X32)) {
      return full(parseDigits(text, 20));
    }
    String body = text.substring(X32.length());
    int at = body.indexOf('@');
    Xid low = of32(parseDigits(at < 0 ? body : body.substring(0, at), 10));
    return at < 0 ? low : low.near(parse(body.substring(at + 1)));
  }

  /** A helper's decimal id field ({@code "745"}), full or 32-bit as given; throws IllegalArgumentException. */
  public static Xid parseNumber(String text, boolean full) {
    long value = parseDigits(text, full ? 20 : 10);
    return full ? full(value) : of32(value);
  }

  private static long parseDigits(String text, int maxDigits) {
    if (text.isEmpty() || text.length() > maxDigits || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("'" + text + "' is not a transaction id");
    }
    try {
      return Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a transaction id", e);
    }
  }

  /** The decimal digits of the id alone, as the helper writes them. */
  public String digits() {
    return Long.toUnsignedString(value);
  }

  @Override
  public String toString() {
    return full ? digits() : X32 + digits() + (near == null ? "" : "@" + near);
  }
}

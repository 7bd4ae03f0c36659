package io.ddlcast.common.error;

import java.time.Duration;

/**
 * Exponential backoff with a cap, for retrying a retriable error until it goes away. Not thread-safe: one per
 * retrying loop. {@link #reset()} after a success.
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private long nextMillis;
  private int attempts;

  public Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initial + ", " + max);
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.nextMillis = initialMillis;
  }

  /** The delay before the next attempt; each call doubles the following one up to the cap. */
  public Duration next() {
    long current = nextMillis;
    nextMillis = Math.min(maxMillis, nextMillis * 2);
    attempts++;
    return Duration.ofMillis(current);
  }

  /** How many delays were handed out since the last reset. */
  public int attempts() {
    return attempts;
  }

  public void reset() {
    nextMillis = initialMillis;
    attempts = 0;
  }

  /** The backoff of a service waiting at start for a server it needs: from half a second up to 15 s. */
  public static Backoff startup() {
    return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));
  }

  /** Sleeps for {@link #next()}; returns false when interrupted (the interrupt flag is kept). */
  public boolean sleep() {
    return sleep(next());
  }

  /** Sleeps; returns false when interrupted (the interrupt flag is kept). The one sleep of ddlcast's loops. */
  public static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

package io.ddlcast.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling waits for tests and the demo: servers and pipelines become ready asynchronously, and a fixed sleep is
 * either too short on a slow machine or wastes time on a fast one. Polls every 100 ms. An exception thrown by the
 * condition counts as "not yet" (a server that is restarting refuses connections); the last one becomes the cause
 * of the {@link AssertionError} thrown on timeout.
 */
public final class Await {

  private static final long POLL_MILLIS = 100;

  private Await() {
  }

  /** Waits until {@code condition} is true; throws {@code AssertionError("timed out after X waiting for what")}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    untilValue(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /** Waits until {@code supplier} returns a non-null value and returns it; times out like {@link #until}. */
  public static <T> T untilValue(String what, Duration timeout, Supplier<T> supplier) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException lastFailure = null;
    while (true) {
      try {
        T value = supplier.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException e) {
        lastFailure = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw timeout(what, timeout, lastFailure);
      }
      sleep(POLL_MILLIS);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while waiting", e);
    }
  }

  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    return millis % 1000 == 0 ? millis / 1000 + " s" : String.format("%.1f s", millis / 1000.0);
  }

  private static AssertionError timeout(String what, Duration timeout, RuntimeException lastFailure) {
    String message = "timed out after " + format(timeout) + " waiting for " + what;
    if (lastFailure != null) {
      message += " (last failure: " + lastFailure + ")";
    }
    return new AssertionError(message, lastFailure);
  }
}

package io.ddlcast.common.error;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Repeats an attempt with backoff until it succeeds, while the caller still runs: how a service waits at start for a
 * broker or a database that is not up yet. Each failure goes to the caller's handler, which sorts it
 * ({@link ErrorClassifier}) and either rethrows it (permanent: the service stops, saying why) or returns (retriable:
 * the wait is slept and the attempt runs again).
 */
public final class Retry {
  /** One attempt. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run() throws Exception;
  }

  /** What to do with a failure: rethrow it unchecked to stop, or return to retry after {@code wait}. */
  @FunctionalInterface
  public interface Failure {
    void failed(Exception error, Duration wait);
  }

  private Retry() {}

  /** For a handler that does not retry {@code error}: itself if unchecked, else wrapped. */
  public static RuntimeException unchecked(Exception error) {
    return error instanceof RuntimeException r ? r : new IllegalStateException(error);
  }

  /** The attempt's result; empty when the caller stopped running or was interrupted first. */
  public static <T> Optional<T> until(BooleanSupplier running, Backoff backoff, Attempt<T> attempt, Failure onFailure) {
    while (running.getAsBoolean()) {
      try {
        return Optional.of(attempt.run());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (Exception e) {
        Duration wait = backoff.next();
        onFailure.failed(e, wait);
        if (!Backoff.sleep(wait)) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}

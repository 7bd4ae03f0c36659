package io.ddlcast.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final Backoff fast = new Backoff(Duration.ofMillis(1), Duration.ofMillis(4));

  @Test
  void retriesWhatTheHandlerLetsThroughUntilTheAttemptSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    List<Duration> waits = new ArrayList<>();
    Optional<String> result = Retry.until(() -> true, fast, () -> {
      if (calls.incrementAndGet() < 4) {
        throw new IOException("not yet");
      }
      return "up";
    }, (e, wait) -> waits.add(wait));
    assertThat(result).contains("up");
    assertThat(waits).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(4));
  }

  @Test
  void aFailureTheHandlerRethrowsEndsTheRetries() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> Retry.until(() -> true, fast, () -> {
      calls.incrementAndGet();
      throw new IOException("refused");
    }, (e, wait) -> {
      throw new IllegalStateException("permanent: " + e.getMessage());
    })).hasMessage("permanent: refused");
    assertThat(calls).hasValue(1);
  }

  @Test
  void stopsWhenTheCallerStopsRunningAndWhenInterrupted() {
    AtomicInteger calls = new AtomicInteger();
    assertThat(Retry.until(() -> calls.get() < 2, fast, () -> {
      calls.incrementAndGet();
      throw new IOException("down");
    }, (e, wait) -> { })).isEmpty();
    assertThat(calls).hasValue(2);

    Thread.currentThread().interrupt();
    try {
      assertThat(Retry.until(() -> true, fast, () -> {
        throw new IOException("down");
      }, (e, wait) -> { })).isEmpty();
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}

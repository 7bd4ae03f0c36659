package io.ddlcast.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void firstDelayIsTheInitialOne() {
    assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).next()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void delaysDoubleUpToTheCapAndStayThere() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    assertThat(new long[] {
        backoff.next().toMillis(), backoff.next().toMillis(), backoff.next().toMillis(),
        backoff.next().toMillis(), backoff.next().toMillis(), backoff.next().toMillis()})
        .containsExactly(100, 200, 400, 800, 1000, 1000);
  }

  @Test
  void attemptsCountTheDelaysHandedOut() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    backoff.next();
    backoff.next();
    assertThat(backoff.attempts()).isEqualTo(2);
  }

  @Test
  void resetStartsOverFromTheInitialDelay() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void resetClearsTheAttempts() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    backoff.next();
    backoff.reset();
    assertThat(backoff.attempts()).isZero();
  }

  @Test
  void capEqualToInitialGivesAConstantDelay() {
    Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofMillis(50));
    backoff.next();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void zeroInitialDelayIsRejected() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void capBelowInitialDelayIsRejected() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

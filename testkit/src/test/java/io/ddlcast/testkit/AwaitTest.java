package io.ddlcast.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsTheFirstValueAndTreatsExceptionsAsNotYet() {
    AtomicInteger calls = new AtomicInteger();

    String value = Await.untilValue("the third call", Duration.ofSeconds(5), () -> {
      int call = calls.incrementAndGet();
      if (call == 1) {
        throw new IllegalStateException("not ready");
      }
      return call == 3 ? "ready" : null;
    });

    assertThat(value).isEqualTo("ready");
  }

  @Test
  void timesOutWithWhatItWaitedFor() {
    assertThatThrownBy(() -> Await.until("godot", Duration.ofMillis(250), () -> {
      throw new IllegalStateException("still waiting");
    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("timed out after 250 ms waiting for godot")
        .hasMessageContaining("still waiting")
        .hasCauseInstanceOf(IllegalStateException.class);
  }
}

package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.LOG_TIME;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddlcast.applier.UntilStop.Verdict;
import io.ddlcast.common.event.DdlEvent;
import org.junit.jupiter.api.Test;

class UntilStopTest {
  /** An event whose primary log time is LOG_TIME plus {@code second} seconds. */
  private static DdlEvent logged(long second) {
    return inDatabase("a", second, "CREATE TABLE", "CREATE TABLE t" + second + " ()");
  }

  @Test
  void aTimeCutsEveryPartitionAtItsFirstEventLoggedAfterIt() {
    UntilStop stop = new UntilStop(new UntilPoint.AtTime(LOG_TIME.plusSeconds(5)), 2);
    assertThat(stop.needsLocation()).isFalse();
    assertThat(stop.judge(0, 0, logged(4))).isEqualTo(Verdict.BEFORE);
    assertThat(stop.judge(0, 1, logged(5))).isEqualTo(Verdict.BEFORE); // at the time: before
    assertThat(stop.judge(1, 7, logged(6))).isEqualTo(Verdict.AFTER);
    assertThat(stop.judge(1, 8, null)).isEqualTo(Verdict.BEFORE); // undecodable: its lane stops on it
  }

  @Test
  void anEventWithoutLogTimeCannotBePlacedInTime() {
    UntilStop stop = new UntilStop(new UntilPoint.AtTime(LOG_TIME), 1);
    DdlEvent e = logged(1);
    DdlEvent timeless = new DdlEvent(e.schema(), e.id(), e.source(), e.database(), e.key(), e.scope(), e.user(),
        e.context(), e.command(), e.statement(), null, e.position());
    assertThatThrownBy(() -> stop.judge(0, 0, timeless)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no primary log time");
  }

  @Test
  void onOnePartitionAnEventIsFoundOnTheWay() {
    UntilStop stop = new UntilStop(new UntilPoint.AfterEvent("s:3"), 1);
    assertThat(stop.needsLocation()).isFalse();
    assertThat(stop.judge(0, 0, logged(9))).isEqualTo(Verdict.BEFORE); // later log time, earlier commit
    assertThat(stop.judge(0, 1, logged(3))).isEqualTo(Verdict.LAST);
    assertThat(stop.judge(0, 2, logged(1))).isEqualTo(Verdict.AFTER);
    assertThat(stop.location()).isEqualTo(new UntilStop.Location(0, 1, LOG_TIME.plusSeconds(3)));
  }

  @Test
  void onSeveralPartitionsTheEventCutsItsOwnByOffsetAndTheOthersByItsLogTime() {
    UntilStop stop = new UntilStop(new UntilPoint.AfterEvent("s:3"), 2);
    assertThat(stop.needsLocation()).isTrue();
    assertThatThrownBy(() -> stop.judge(1, 0, logged(1))).isInstanceOf(IllegalStateException.class);

    stop.located(new UntilStop.Location(0, 10, LOG_TIME.plusSeconds(3)));
    assertThat(stop.needsLocation()).isFalse();
    assertThat(stop.judge(0, 9, logged(8))).isEqualTo(Verdict.BEFORE);
    assertThat(stop.judge(0, 10, logged(3))).isEqualTo(Verdict.LAST);
    assertThat(stop.judge(0, 11, logged(2))).isEqualTo(Verdict.AFTER);
    assertThat(stop.judge(1, 4, logged(3))).isEqualTo(Verdict.BEFORE);
    assertThat(stop.judge(1, 5, logged(4))).isEqualTo(Verdict.AFTER);
  }
}

package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.status.Progress;
import org.junit.jupiter.api.Test;

class CatchUpTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void appliedOfToApplyWithTheAverageRateAndTheTimeLeftAtIt() {
    CatchUp c = new CatchUp(1_000, 0);
    Progress p = c.at(1_250, 6_000, 10 * SECOND);
    assertThat(p).isEqualTo(new Progress(250, 5_000, 25.0, 190L));
    assertThat(CatchUp.describe(p)).isEqualTo("250 of 5000 events applied (5%), 25.0 events/s, about 3 min 10 s "
        + "left");
    assertThat(c.caughtUp(6_000, 100 * SECOND)).isEqualTo("5000 events applied in 1 min 40 s (50.0 events/s)");
  }

  @Test
  void beforeAnythingIsAppliedTheTimeLeftIsUnknown() {
    Progress p = new CatchUp(0, 0).at(0, 400, 0);
    assertThat(p).isEqualTo(new Progress(0, 400, 0.0, null));
    assertThat(CatchUp.describe(p)).isEqualTo("0 of 400 events applied (0%), 0.0 events/s, time left unknown");
  }
}

package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.cli.Problems;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UntilPointTest {
  private final Problems problems = new Problems();

  @Test
  void anEventIdAsStatusShowsItNamesOneEvent() {
    assertThat(UntilPoint.parse("6742f0a1.2b4c:17", problems)).isEqualTo(new UntilPoint.AfterEvent("6742f0a1.2b4c:17"));
    assertThat(UntilPoint.parse(" 6742f0a1.2b4c:17/2 ", problems))
        .isEqualTo(new UntilPoint.AfterEvent("6742f0a1.2b4c:17/2"));
    assertThat(problems.isEmpty()).isTrue();
  }

  @Test
  void aTimeWithItsZoneIsAnInstant() {
    assertThat(UntilPoint.parse("2026-12-02T10:15:30Z", problems))
        .isEqualTo(new UntilPoint.AtTime(Instant.parse("2026-12-02T10:15:30Z")));
    assertThat(UntilPoint.parse("2026-12-02T11:15:30.250+01:00", problems))
        .isEqualTo(new UntilPoint.AtTime(Instant.parse("2026-12-02T10:15:30.250Z")));
    assertThat(UntilPoint.parse(null, problems)).isNull();
    assertThat(problems.isEmpty()).isTrue();
  }

  @Test
  void aTimeWithoutZoneOrAnythingElseIsAProblemNamingTheOption() {
    assertThat(UntilPoint.parse("2026-12-02T10:15:30", problems)).isNull();
    assertThat(UntilPoint.parse("yesterday", problems)).isNull();
    assertThat(UntilPoint.parse("6742f0a1.2b4c", problems)).isNull();
    assertThat(problems.count()).isEqualTo(3);
  }
}

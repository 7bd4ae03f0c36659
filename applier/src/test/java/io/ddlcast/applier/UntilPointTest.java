package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.cli.Cli;
import io.ddlcast.common.cli.Problems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
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

  @Test
  void runRefusesABadPointWithExitTwoBeforeAnyConnection() {
    StringWriter err = new StringWriter();
    int code = Cli.run(new ApplierMain(), new String[] {"run", "--bootstrap-servers", "localhost:1", "--standby-name",
        "s1", "--standby-url", "jdbc:postgresql://localhost:1/postgres", "--until", "2026-12-02T10:15:30"}, Map.of(),
        new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("Invalid value '2026-12-02T10:15:30' for option --until: not an ISO-8601 "
        + "time with a zone");
  }
}

package io.ddlcast.producer.primary;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedHelpersTest {
  private static final long SECOND = 1_000_000_000L;
  private static final HelperInstaller.Inspection CURRENT =
      new HelperInstaller.Inspection(HelperInstaller.State.CURRENT, null, "UTF8");

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private int inspections;
  /** What the next inspection answers: an inspection, or an SQLException to throw. */
  private Object answer = CURRENT;
  private final VerifiedHelpers helpers = new VerifiedHelpers(database -> {
    inspections++;
    if (answer instanceof SQLException e) {
      throw e;
    }
    return (HelperInstaller.Inspection) answer;
  }, clock::get);

  /** A record that may carry DDL, once a millisecond for {@code millis}. */
  private void records(String database, long millis) {
    for (long t = 0; t < millis; t++) {
      helpers.refresh(database);
      clock.addAndGet(SECOND / 1_000);
    }
  }

  @Test
  void anUnreachablePrimaryIsAskedAgainEveryFewSecondsNotAtEveryRecord() {
    answer = new SQLException("Connection refused", "08001");
    records("app", 1_000);
    assertThat(inspections).isEqualTo(1);
    assertThat(helpers.trusts("app")).isFalse(); // unknown: not believed
    records("app", 10_000);
    assertThat(inspections).isEqualTo(3); // 5 and 10 s after the first
    answer = CURRENT;
    records("app", 5_000);
    assertThat(helpers.trusts("app")).isTrue();
  }

  @Test
  void aHelperKnownTrustedStaysBelievedWhileItCannotBeVerifiedAgain() {
    records("app", 1);
    assertThat(helpers.trusts("app")).isTrue();
    clock.addAndGet(VerifiedHelpers.TTL.toNanos());
    answer = new SQLException("Connection refused", "08001");
    records("app", 1_000);
    assertThat(inspections).isEqualTo(2);
    assertThat(helpers.trusts("app")).isTrue();
  }

  @Test
  void aDatabaseDroppedSinceIsNotTrustedAndNotAskedAboutAgainAtEveryRecord() {
    records("gone", 1);
    assertThat(helpers.trusts("gone")).isTrue();
    clock.addAndGet(VerifiedHelpers.TTL.toNanos());
    answer = new SQLException("database \"gone\" does not exist", "3D000");
    records("gone", 10_000);
    assertThat(inspections).isEqualTo(2); // a verdict, kept as long as any other
    assertThat(helpers.trusts("gone")).isFalse();
  }
}

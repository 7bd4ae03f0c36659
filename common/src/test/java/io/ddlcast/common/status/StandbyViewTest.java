package io.ddlcast.common.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandbyViewTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static ApplyResult result(ApplyResult.Outcome outcome, String id, String db, int second) {
    return new ApplyResult("s1", outcome, id, db, "CREATE TABLE", 0, (long) second, T0.minusSeconds(5),
        T0.plusSeconds(second), 3L, outcome == ApplyResult.Outcome.FAILED ? "42P07" : null,
        outcome == ApplyResult.Outcome.FAILED ? "relation \"t\" already exists" : null);
  }

  @Test
  void aFailureStopsItsDatabaseUntilAResultOfThatDatabaseMovesOn() {
    StandbyView view = StandbyView.empty("s1")
        .fold(result(ApplyResult.Outcome.APPLIED, "a:1", "app", 1))
        .fold(result(ApplyResult.Outcome.FAILED, "a:2", "app", 2))
        .fold(result(ApplyResult.Outcome.APPLIED, "b:1", "other", 3));
    assertThat(view.stopped()).containsOnlyKeys("app");
    assertThat(view.stopped().get("app").eventId()).isEqualTo("a:2");
    assertThat(view.stopped().get("app").sqlState()).isEqualTo("42P07");
    assertThat(view.lastEventId()).isEqualTo("b:1");
    assertThat(view.applied()).isEqualTo(2);
    assertThat(view.failed()).isEqualTo(1);

    StandbyView skipped = view.fold(result(ApplyResult.Outcome.SKIPPED, "a:2", "app", 4));
    assertThat(skipped.stopped()).isEmpty();
    assertThat(skipped.skipped()).isEqualTo(1);
    assertThat(skipped.lastDoneAt()).isEqualTo(T0.plusSeconds(4));
  }

  @Test
  void aHeartbeatOnlyMovesLastSeen() {
    StandbyView view = StandbyView.empty("s1").fold(result(ApplyResult.Outcome.APPLIED, "a:1", "app", 1));
    StandbyView later = view.fold(ApplyResult.heartbeat("s1", T0.plusSeconds(60)));
    assertThat(later.lastSeen()).isEqualTo(T0.plusSeconds(60));
    assertThat(later).usingRecursiveComparison().ignoringFields("lastSeen").isEqualTo(view);
    // a late heartbeat never moves lastSeen back
    assertThat(later.fold(ApplyResult.heartbeat("s1", T0)).lastSeen()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void viewsResultsAndCommandsSurviveTheirJsonForm() {
    StandbyView view = StandbyView.empty("s1")
        .fold(result(ApplyResult.Outcome.FAILED, "a:2", "app", 2))
        .fold(result(ApplyResult.Outcome.FILTERED, "b:1", "other", 3));
    assertThat(StatusJson.decode(StatusJson.encode(view), StandbyView.class)).isEqualTo(view);
    ApplyResult r = result(ApplyResult.Outcome.FAILED, "a:2", "app", 2);
    assertThat(StatusJson.decode(StatusJson.encode(r), ApplyResult.class)).isEqualTo(r);
    ControlCommand c = new ControlCommand(ControlCommand.Type.SKIP, "s1", null, "a:2", T0, "dba@host");
    assertThat(new String(StatusJson.encode(c))).doesNotContain("database");
    assertThat(StatusJson.decode(StatusJson.encode(c), ControlCommand.class)).isEqualTo(c);
    assertThat(StatusJson.decode("{\"type\":\"RETRY\",\"standby\":\"s1\",\"newer\":1}".getBytes(),
        ControlCommand.class).type()).isEqualTo(ControlCommand.Type.RETRY);
  }

  @Test
  void theNewestHeartbeatTellsWhatWaitsAndSurvivesItsJsonForm() {
    Waits waits = new Waits(List.of(new Waits.Barrier("c:9", "DROP ROLE", 0, 9L, Waits.BarrierState.WAITING,
        List.of("beta"), List.of("alpha"), List.of("gamma"), 3)),
        List.of(new Waits.StoppedBehind("alpha", "a:2", List.of("c:5"))));
    StandbyView view = StandbyView.empty("s1").fold(ApplyResult.heartbeat("s1", T0.plusSeconds(10), waits));
    assertThat(view.waits()).isEqualTo(waits);
    assertThat(StatusJson.decode(StatusJson.encode(view), StandbyView.class)).isEqualTo(view);
    ApplyResult heartbeat = ApplyResult.heartbeat("s1", T0.plusSeconds(10), waits);
    assertThat(StatusJson.decode(StatusJson.encode(heartbeat), ApplyResult.class)).isEqualTo(heartbeat);

    assertThat(view.fold(result(ApplyResult.Outcome.APPLIED, "b:1", "beta", 11)).waits()).isEqualTo(waits);
    assertThat(view.fold(ApplyResult.heartbeat("s1", T0)).waits()).isEqualTo(waits); // a late one: older news
    assertThat(view.fold(ApplyResult.heartbeat("s1", T0.plusSeconds(12))).waits().isEmpty()).isTrue();
    // a view written before waits existed reads as nothing waiting
    assertThat(StatusJson.decode("{\"standby\":\"s1\",\"applied\":1}".getBytes(), StandbyView.class).waits())
        .isEqualTo(Waits.NONE);
    assertThat(new String(StatusJson.encode(ApplyResult.heartbeat("s1", T0)))).doesNotContain("waits");
  }

  @Test
  void theNewestHeartbeatSaysWhetherSignaturesAreVerified() {
    StandbyView view = StandbyView.empty("s1")
        .fold(ApplyResult.heartbeat("s1", T0.plusSeconds(2), Waits.NONE, Signatures.UNSIGNED));
    assertThat(view.signatures()).isEqualTo(Signatures.UNSIGNED);
    view = view.fold(ApplyResult.heartbeat("s1", T0.plusSeconds(1), Waits.NONE, Signatures.VERIFIED))
        .fold(result(ApplyResult.Outcome.APPLIED, "a:1", "app", 1));
    assertThat(view.signatures()).as("a late heartbeat and a result leave it").isEqualTo(Signatures.UNSIGNED);
    view = view.fold(ApplyResult.heartbeat("s1", T0.plusSeconds(4), Waits.NONE, Signatures.VERIFIED));
    assertThat(view.signatures()).isEqualTo(Signatures.VERIFIED);
    assertThat(StatusJson.decode(StatusJson.encode(view), StandbyView.class)).isEqualTo(view);
  }

  @Test
  void aBatchResultCountsItsEventsAndOneWithoutTheFieldCountsOne() {
    ApplyResult batch = new ApplyResult("s1", ApplyResult.Outcome.APPLIED, "a:40", "app", "CREATE VIEW", 0, 40L,
        T0, T0.plusSeconds(1), 12L, null, null, null, null, 25);
    StandbyView view = StandbyView.empty("s1").fold(batch).fold(result(ApplyResult.Outcome.APPLIED, "a:41", "app", 2));
    assertThat(view.applied()).isEqualTo(26);
    assertThat(view.lastEventId()).isEqualTo("a:41");
    assertThat(new String(StatusJson.encode(batch))).contains("\"events\":25");
    assertThat(StatusJson.decode(StatusJson.encode(batch), ApplyResult.class)).isEqualTo(batch);
    assertThat(new String(StatusJson.encode(result(ApplyResult.Outcome.APPLIED, "a:1", "app", 1))))
        .doesNotContain("events").doesNotContain("eventCount");
    // as an applier before batches wrote it
    ApplyResult old = StatusJson.decode(("{\"standby\":\"s1\",\"outcome\":\"APPLIED\",\"eventId\":\"a:1\","
        + "\"database\":\"app\",\"offset\":1}").getBytes(), ApplyResult.class);
    assertThat(old.eventCount()).isEqualTo(1);
    assertThat(StandbyView.empty("s1").fold(old).applied()).isEqualTo(1);
  }

  @Test
  void theNewestHeartbeatSaysHowFarTheStandbyHasComeAndWhereUntilStandsAndTheyTravelAsJson() {
    Progress progress = new Progress(250, 5_000, 25.0, 190L);
    UntilState until = new UntilState("event a:9", true, "a:9");
    StandbyView view = StandbyView.empty("s1")
        .fold(ApplyResult.heartbeat("s1", T0.plusSeconds(10), Waits.NONE, null, progress, until))
        .fold(ApplyResult.heartbeat("s1", T0.plusSeconds(5), Waits.NONE, null, null, null)); // late: ignored
    assertThat(view.progress()).isEqualTo(progress);
    assertThat(view.until()).isEqualTo(until);
    assertThat(view.until().describe()).isEqualTo("stopped at --until event a:9");
    assertThat(StatusJson.decode(StatusJson.encode(view), StandbyView.class)).isEqualTo(view);

    StandbyView caughtUp = view.fold(ApplyResult.heartbeat("s1", T0.plusSeconds(12)));
    assertThat(caughtUp.progress()).isNull();
    assertThat(caughtUp.until()).isNull();
    assertThat(new UntilState("2026-12-02T10:00:00Z", false, null).describe())
        .isEqualTo("--until 2026-12-02T10:00:00Z not reached yet");
  }
}

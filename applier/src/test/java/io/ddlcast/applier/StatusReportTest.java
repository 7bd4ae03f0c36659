package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.status.Waits;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  @Test
  void whatWaitsOnWhatIsOneLineEach() {
    Waits waits = new Waits(List.of(
        new Waits.Barrier("c:9", "DROP ROLE", 0, 9L, Waits.BarrierState.WAITING, List.of("beta"), List.of("alpha"),
            List.of("gamma", "(cluster)"), 3),
        new Waits.Barrier("c:20", "CREATE ROLE", 1, 20L, Waits.BarrierState.RUNNING, List.of(), List.of(),
            List.of(), 0),
        new Waits.Barrier("c:30", "ALTER ROLE", 2, 30L, Waits.BarrierState.STOPPED, List.of(), List.of(),
            List.of("beta"), 1)),
        List.of(new Waits.StoppedBehind("alpha", "a:2", List.of("c:5", "c:7"))));

    assertThat(StatusReport.waitLines(waits)).containsExactly(
        "barrier c:9 (DROP ROLE, partition 0 offset 9) waits for stopped alpha; applying beta; holds 3 event(s) of "
            + "gamma, (cluster)",
        "barrier c:20 (CREATE ROLE, partition 1 offset 20) runs",
        "barrier c:30 (ALTER ROLE, partition 2 offset 30) failed: (cluster) is stopped; holds 1 event(s) of beta",
        "alpha stopped at a:2 behind 2 cluster-wide event(s) that ran ahead of it: c:5, c:7");
    assertThat(StatusReport.waitLines(Waits.NONE)).isEmpty();
  }
}

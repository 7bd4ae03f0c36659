package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {
  private static final TopicPartition TP = new TopicPartition("ddlcast.ddl", 0);

  private final OffsetLedger ledger = new OffsetLedger();

  @BeforeEach
  void assignFresh() {
    ledger.assigned(TP, null);
  }

  private OffsetAndMetadata commit() {
    return ledger.committable().get(TP);
  }

  private void receive(long... offsets) {
    for (long offset : offsets) {
      ledger.received(TP, offset);
    }
  }

  /** Offsets 0..3 alternate between lanes a and b: a=0,2 b=1,3. */
  private void receiveTwoInterleavedLanes() {
    receive(0, 1, 2, 3);
  }

  // --- position ---

  @Test
  void nothingIsCommittableBeforeAnyEventOfAFreshPartition() {
    assertThat(ledger.committable()).isEmpty();
  }

  @Test
  void receivedButUnappliedEventHoldsThePosition() {
    receive(0);
    assertThat(commit().offset()).isZero();
  }

  @Test
  void positionIsTheOldestUnappliedOffsetAcrossLanes() {
    receiveTwoInterleavedLanes();
    ledger.applied(TP, "a", 0);
    ledger.applied(TP, "a", 2);
    ledger.applied(TP, "b", 3);

    assertThat(commit().offset()).isEqualTo(1);
  }

  @Test
  void positionIsPastTheLastEventWhenAllAreApplied() {
    receiveTwoInterleavedLanes();
    ledger.applied(TP, "a", 0);
    ledger.applied(TP, "b", 1);
    ledger.applied(TP, "a", 2);
    ledger.applied(TP, "b", 3);

    assertThat(commit().offset()).isEqualTo(4);
  }

  // --- metadata ---

  @Test
  void laneAheadOfThePositionIsRecordedInTheMetadata() {
    receiveTwoInterleavedLanes();
    ledger.applied(TP, "a", 0);
    ledger.applied(TP, "a", 2);

    assertThat(OffsetLedger.parse(commit().metadata())).containsExactly(Map.entry("a", 2L));
  }

  @Test
  void laneBehindThePositionIsNotRecordedInTheMetadata() {
    receiveTwoInterleavedLanes();
    ledger.applied(TP, "a", 0);
    ledger.applied(TP, "b", 1);
    ledger.applied(TP, "b", 3);

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(2);
    assertThat(OffsetLedger.parse(commit.metadata())).containsOnlyKeys("b");
  }

  @Test
  void laneWhoseLastAppliedOffsetIsJustBelowThePositionIsNotRecorded() {
    receive(0, 1);
    ledger.applied(TP, "a", 0);

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(1);
    assertThat(commit.metadata()).isEmpty();
  }

  @Test
  void metadataIsEmptyWhenEverythingIsApplied() {
    receiveTwoInterleavedLanes();
    ledger.applied(TP, "a", 0);
    ledger.applied(TP, "b", 1);
    ledger.applied(TP, "a", 2);
    ledger.applied(TP, "b", 3);

    assertThat(commit().metadata()).isEmpty();
  }

  // --- restart ---

  @Test
  void afterAssignmentOffsetsUpToTheLanesRecordedOffsetAreAlreadyApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.alreadyApplied(TP, "a", 2)).isTrue();
    assertThat(ledger.alreadyApplied(TP, "a", 5)).isTrue();
  }

  @Test
  void afterAssignmentOffsetsBeyondTheLanesRecordedOffsetAreNotApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.alreadyApplied(TP, "a", 6)).isFalse();
  }

  @Test
  void afterAssignmentLaneWithoutRecordedOffsetHasNothingApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.alreadyApplied(TP, "b", 1)).isFalse();
  }

  @Test
  void afterAssignmentWithoutCommitNothingIsAlreadyApplied() {
    assertThat(ledger.alreadyApplied(TP, "a", 0)).isFalse();
  }

  @Test
  void unassignedPartitionHasNothingAlreadyApplied() {
    assertThat(ledger.alreadyApplied(new TopicPartition("other", 3), "a", 0)).isFalse();
  }

  @Test
  void commitAfterRestartKeepsTheLaneThatIsStillAhead() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));
    receive(1);
    ledger.applied(TP, "b", 1);
    ledger.passed(TP, 2);

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(3);
    assertThat(OffsetLedger.parse(commit.metadata())).containsExactly(Map.entry("a", 5L));
  }

  @Test
  void nothingIsCommittableRightAfterAssignmentWithACommit() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.committable()).isEmpty();
  }

  @Test
  void revokedPartitionIsNoLongerCommittable() {
    receive(0);
    ledger.revoked(TP);

    assertThat(ledger.committable()).isEmpty();
  }

  // --- stopped lanes ---

  @Test
  void abandonedOffsetNoLongerHoldsThePosition() {
    receive(4);
    ledger.abandoned(TP, 4);

    assertThat(commit().offset()).isEqualTo(5);
  }

  @Test
  void failedOffsetKeepsHoldingThePositionAfterItsQueueIsAbandoned() {
    receive(0, 1, 2, 3); // b fails on 0 (stays in flight), a=1,3, b=2 queued behind the failure
    ledger.applied(TP, "a", 1);
    ledger.abandoned(TP, 2);
    ledger.applied(TP, "a", 3);

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isZero();
    assertThat(OffsetLedger.parse(commit.metadata())).containsExactly(Map.entry("a", 3L));
  }

  @Test
  void passedAdvancesThePositionWhenNothingIsInFlight() {
    ledger.passed(TP, 7);

    assertThat(commit().offset()).isEqualTo(8);
  }

  @Test
  void passedDoesNotMoveThePositionPastAnEventInFlight() {
    receive(0);
    ledger.passed(TP, 1);

    assertThat(commit().offset()).isZero();
  }

  // --- committed ---

  @Test
  void nothingIsCommittableWhenUnchangedSinceTheLastCommit() {
    receive(0);
    ledger.applied(TP, "a", 0);
    ledger.committed(ledger.committable());

    assertThat(ledger.committable()).isEmpty();
  }

  @Test
  void changeAfterTheLastCommitIsCommittableAgain() {
    receive(0);
    ledger.applied(TP, "a", 0);
    ledger.committed(ledger.committable());
    receive(1);
    ledger.applied(TP, "a", 1);

    assertThat(commit().offset()).isEqualTo(2);
  }

  // --- metadata format ---

  @Test
  void formatWritesTheAppliedObject() {
    assertThat(OffsetLedger.format(new TreeMap<>(Map.of("company", 120L, "sales", 118L))))
        .isEqualTo("{\"applied\":{\"company\":120,\"sales\":118}}");
  }

  @Test
  void parseReadsWhatFormatWrote() {
    Map<String, Long> lanes = new TreeMap<>(Map.of("company", 120L, "Grüße \"x\"", 118L));
    assertThat(OffsetLedger.parse(OffsetLedger.format(lanes))).isEqualTo(lanes);
  }

  @Test
  void formatOfNoLanesIsEmpty() {
    assertThat(OffsetLedger.format(Map.of())).isEmpty();
  }

  @Test
  void parseOfEmptyMetadataIsEmpty() {
    assertThat(OffsetLedger.parse("")).isEmpty();
  }

  @Test
  void parseOfNullMetadataIsEmpty() {
    assertThat(OffsetLedger.parse(null)).isEmpty();
  }

  @Test
  void parseOfUnreadableMetadataFails() {
    assertThatThrownBy(() -> OffsetLedger.parse("{not json")).isInstanceOf(IllegalStateException.class);
  }
}

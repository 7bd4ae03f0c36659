package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {
  private static final TopicPartition TP = new TopicPartition("ddlcast.ddl", 0);

  private static final Lane A = Lane.database("a");
  private static final Lane B = Lane.database("b");

  private final OffsetLedger ledger = new OffsetLedger();

  @BeforeEach
  void assignFresh() {
    ledger.assigned(TP, null);
  }

  private OffsetAndMetadata commit() {
    return ledger.committable().get(TP);
  }

  /** The event of a lane at an offset of the partition. */
  private static Work at(Lane lane, long offset) {
    return new Work(TP, offset, lane, null, null);
  }

  /** An event at an offset, in a lane the assertion does not depend on (the position is every lane's). */
  private static Work at(long offset) {
    return at(Lane.database("any"), offset);
  }

  private void receive(long... offsets) {
    for (long offset : offsets) {
      ledger.received(at(offset));
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
    ledger.applied(at(A, 0));
    ledger.applied(at(A, 2));
    ledger.applied(at(B, 3));

    assertThat(commit().offset()).isEqualTo(1);
  }

  @Test
  void positionIsPastTheLastEventWhenAllAreApplied() {
    receiveTwoInterleavedLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(B, 1));
    ledger.applied(at(A, 2));
    ledger.applied(at(B, 3));

    assertThat(commit().offset()).isEqualTo(4);
  }

  // --- metadata ---

  @Test
  void laneAheadOfThePositionIsRecordedInTheMetadata() {
    receiveTwoInterleavedLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(A, 2));

    assertThat(OffsetLedger.parse(commit().metadata())).containsExactly(Map.entry(A, 2L));
  }

  @Test
  void laneBehindThePositionIsNotRecordedInTheMetadata() {
    receiveTwoInterleavedLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(B, 1));
    ledger.applied(at(B, 3));

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(2);
    assertThat(OffsetLedger.parse(commit.metadata())).containsOnlyKeys(B);
  }

  @Test
  void laneWhoseLastAppliedOffsetIsJustBelowThePositionIsNotRecorded() {
    receive(0, 1);
    ledger.applied(at(A, 0));

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(1);
    assertThat(commit.metadata()).isEmpty();
  }

  @Test
  void metadataIsEmptyWhenEverythingIsApplied() {
    receiveTwoInterleavedLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(B, 1));
    ledger.applied(at(A, 2));
    ledger.applied(at(B, 3));

    assertThat(commit().metadata()).isEmpty();
  }

  // --- restart ---

  @Test
  void afterAssignmentOffsetsUpToTheLanesRecordedOffsetAreAlreadyApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.alreadyApplied(at(A, 2))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 5))).isTrue();
  }

  @Test
  void afterAssignmentOffsetsBeyondTheLanesRecordedOffsetAreNotApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.alreadyApplied(at(A, 6))).isFalse();
  }

  @Test
  void afterAssignmentLaneWithoutRecordedOffsetHasNothingApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.alreadyApplied(at(B, 1))).isFalse();
  }

  @Test
  void metadataTheCurrentReleaseWroteIsReadWithItsClusterKey() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"\\u0000cluster\":5,\"(no key)\":4,\"a\":3}}"));

    assertThat(ledger.alreadyApplied(at(Lane.CLUSTER, 5))).isTrue();
    assertThat(ledger.alreadyApplied(at(Lane.CLUSTER, 6))).isFalse();
    assertThat(ledger.alreadyApplied(at(Lane.NO_KEY, 4))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 3))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 4))).isFalse();
    assertThat(ledger.alreadyApplied(at(Lane.database("(cluster)"), 2))).isFalse();
  }

  @Test
  void theClusterLaneIsCommittedUnderTheKeyTheCurrentReleaseReads() {
    receive(0, 1, 2);
    ledger.applied(at(Lane.CLUSTER, 1));
    ledger.applied(at(Lane.NO_KEY, 2));

    assertThat(commit().metadata()).isEqualTo("{\"applied\":{\"\\u0000cluster\":1,\"(no key)\":2}}");
  }

  @Test
  void afterAssignmentWithoutCommitNothingIsAlreadyApplied() {
    assertThat(ledger.alreadyApplied(at(A, 0))).isFalse();
  }

  @Test
  void unassignedPartitionHasNothingAlreadyApplied() {
    assertThat(ledger.alreadyApplied(new Work(new TopicPartition("other", 3), 0, A, null, null))).isFalse();
  }

  @Test
  void commitAfterRestartKeepsTheLaneThatIsStillAhead() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));
    receive(1);
    ledger.applied(at(B, 1));
    ledger.passed(at(2));

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(3);
    assertThat(OffsetLedger.parse(commit.metadata())).containsExactly(Map.entry(A, 5L));
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
    ledger.abandoned(at(4));

    assertThat(commit().offset()).isEqualTo(5);
  }

  @Test
  void failedOffsetKeepsHoldingThePositionAfterItsQueueIsAbandoned() {
    receive(0, 1, 2, 3); // b fails on 0 (stays in flight), a=1,3, b=2 queued behind the failure
    ledger.applied(at(A, 1));
    ledger.abandoned(at(2));
    ledger.applied(at(A, 3));

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isZero();
    assertThat(OffsetLedger.parse(commit.metadata())).containsExactly(Map.entry(A, 3L));
  }

  @Test
  void passedAdvancesThePositionWhenNothingIsInFlight() {
    ledger.passed(at(7));

    assertThat(commit().offset()).isEqualTo(8);
  }

  @Test
  void passedDoesNotMoveThePositionPastAnEventInFlight() {
    receive(0);
    ledger.passed(at(1));

    assertThat(commit().offset()).isZero();
  }

  // --- committed ---

  @Test
  void nothingIsCommittableWhenUnchangedSinceTheLastCommit() {
    receive(0);
    ledger.applied(at(A, 0));
    ledger.committed(ledger.committable());

    assertThat(ledger.committable()).isEmpty();
  }

  @Test
  void changeAfterTheLastCommitIsCommittableAgain() {
    receive(0);
    ledger.applied(at(A, 0));
    ledger.committed(ledger.committable());
    receive(1);
    ledger.applied(at(A, 1));

    assertThat(commit().offset()).isEqualTo(2);
  }

  // --- metadata format ---

  @Test
  void formatWritesTheAppliedObject() {
    assertThat(OffsetLedger.format(Map.of(Lane.database("sales"), 118L, Lane.database("company"), 120L)))
        .isEqualTo("{\"applied\":{\"company\":120,\"sales\":118}}");
  }

  @Test
  void parseReadsWhatFormatWrote() {
    Map<Lane, Long> lanes = Map.of(Lane.database("company"), 120L, Lane.database("Grüße \"x\""), 118L,
        Lane.CLUSTER, 119L, Lane.NO_KEY, 117L);
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

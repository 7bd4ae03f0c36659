package io.ddlcast.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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

  /** a=0,2 b=1,3, each received in its lane. */
  private void receiveInLanes() {
    ledger.received(at(A, 0));
    ledger.received(at(B, 1));
    ledger.received(at(A, 2));
    ledger.received(at(B, 3));
  }

  private CommitMetadata metadata() {
    return CommitMetadata.parse(commit().metadata());
  }

  @Test
  void theLaneBehindIsNamedAndTheOthersAreDoneThroughTheLastEventRead() {
    receiveInLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(A, 2));

    assertThat(commit().offset()).isEqualTo(1);
    assertThat(commit().metadata()).isEqualTo("{\"through\":4,\"behind\":{\"b\":1}}");
    assertThat(metadata().done(A, 2)).isTrue();
    assertThat(metadata().done(B, 3)).isFalse();
  }

  @Test
  void aLaneBehindIsNamedFromItsFirstEventNotDone() {
    receiveInLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(B, 1));
    ledger.applied(at(B, 3));

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(2);
    assertThat(CommitMetadata.parse(commit.metadata())).isEqualTo(new CommitMetadata(4, Map.of(A, 2L), Map.of()));
  }

  @Test
  void metadataShowsNothingDoneWhenNothingAfterThePositionIs() {
    receive(0, 1);
    ledger.applied(at(A, 0));

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isEqualTo(1);
    assertThat(commit.metadata()).isEmpty();
  }

  @Test
  void metadataIsEmptyWhenEverythingIsApplied() {
    receiveInLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(B, 1));
    ledger.applied(at(A, 2));
    ledger.applied(at(B, 3));

    assertThat(commit().metadata()).isEmpty();
  }

  @Test
  void thousandsOfLanesAheadOfAStoppedOneTakeAFewBytes() {
    Lane stopped = Lane.database("stopped_database");
    ledger.received(at(stopped, 0));
    ledger.stopped(at(stopped, 0));
    for (int k = 1; k <= 5000; k++) {
      Lane lane = Lane.database("tenant_database_" + k);
      ledger.received(at(lane, k));
      ledger.applied(at(lane, k));
    }

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isZero();
    assertThat(commit.metadata()).isEqualTo("{\"through\":5001,\"behind\":{\"stopped_database\":0}}");
  }

  @Test
  void lanesBehindBeyondTheBudgetEndWhatIsDescribedAtTheFirstThatDoesNotFit() {
    for (int k = 0; k < 500; k++) {
      ledger.received(at(Lane.database("slow_" + k), k)); // 500 lanes each still applying one event
    }
    ledger.received(at(A, 500));
    ledger.applied(at(A, 500));

    OffsetAndMetadata commit = commit();
    CommitMetadata metadata = CommitMetadata.parse(commit.metadata());
    assertThat(commit.metadata().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(OffsetLedger.DEFAULT_METADATA_BYTES);
    assertThat(metadata.through()).isBetween(100L, 200L); // about 15 bytes per lane in 2048
    assertThat(metadata.behind()).hasSize((int) metadata.through());
    assertThat(metadata.done(A, 500)).isFalse(); // beyond what fits: read again after a restart
    assertThat(metadata.done(Lane.database("slow_0"), 0)).isFalse();
  }

  @Test
  void aBrokerThatRefusesTheMetadataGetsHalfAsMuchDownToNone() {
    receiveInLanes();
    ledger.applied(at(A, 0));
    ledger.applied(at(A, 2));
    int shrinks = 0;
    while (ledger.shrinkMetadata()) {
      shrinks++;
      assertThat(commit().metadata().length()).isLessThanOrEqualTo(Math.max(ledger.metadataBytes(), 0));
    }
    assertThat(shrinks).isEqualTo(7); // 2048 -> 16 bytes: less than the smallest metadata
    assertThat(commit()).isEqualTo(new OffsetAndMetadata(1, ""));
  }

  // --- restart ---

  @Test
  void afterAssignmentWhatTheMetadataShowsDoneIsAlreadyApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"through\":6,\"behind\":{\"b\":3}}"));

    assertThat(ledger.alreadyApplied(at(A, 2))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 5))).isTrue();
    assertThat(ledger.alreadyApplied(at(B, 2))).isTrue();
    assertThat(ledger.alreadyApplied(at(B, 3))).isFalse();
    assertThat(ledger.alreadyApplied(at(A, 6))).isFalse();
    assertThat(ledger.alreadyApplied(at(A, 0))).isFalse(); // before the commit: never delivered again anyway
  }

  @Test
  void afterAssignmentWithTheFirstReleasesMetadataOffsetsUpToTheLanesRecordedOffsetAreAlreadyApplied() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"a\":5}}"));

    assertThat(ledger.alreadyApplied(at(A, 2))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 5))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 6))).isFalse();
    assertThat(ledger.alreadyApplied(at(B, 1))).isFalse();
  }

  @Test
  void theFirstReleasesMetadataIsReadWithItsClusterKey() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"applied\":{\"\\u0000cluster\":5,\"(no key)\":4,\"a\":3}}"));

    assertThat(ledger.alreadyApplied(at(Lane.CLUSTER, 5))).isTrue();
    assertThat(ledger.alreadyApplied(at(Lane.CLUSTER, 6))).isFalse();
    assertThat(ledger.alreadyApplied(at(Lane.NO_KEY, 4))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 3))).isTrue();
    assertThat(ledger.alreadyApplied(at(A, 4))).isFalse();
    assertThat(ledger.alreadyApplied(at(Lane.database("(cluster)"), 2))).isFalse();
  }

  @Test
  void theClusterLaneIsCommittedUnderItsMetadataKey() {
    ledger.received(at(Lane.CLUSTER, 0));
    ledger.received(at(Lane.NO_KEY, 1));
    ledger.received(at(A, 2));
    ledger.applied(at(A, 2));

    assertThat(commit().metadata()).isEqualTo("{\"through\":3,\"behind\":{\"\\u0000cluster\":0,\"(no key)\":1}}");
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
  void afterRestartNothingIsCommittedUntilTheRunHasReadPastWhatTheMetadataDescribed() {
    ledger.assigned(TP, new OffsetAndMetadata(1, "{\"through\":6,\"behind\":{\"b\":1}}"));
    ledger.received(at(B, 1));
    ledger.applied(at(B, 1));
    ledger.passed(at(A, 2));
    assertThat(ledger.committable()).isEmpty(); // a commit at 3 now would forget that 3..5 are done

    ledger.passed(at(A, 5));
    assertThat(commit()).isEqualTo(new OffsetAndMetadata(6, ""));
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
    // b fails on 0 (stays in flight), a=1,3, b=2 queued behind the failure
    ledger.received(at(B, 0));
    ledger.received(at(A, 1));
    ledger.received(at(B, 2));
    ledger.received(at(A, 3));
    ledger.stopped(at(B, 0));
    ledger.applied(at(A, 1));
    ledger.abandoned(at(B, 2));
    ledger.applied(at(A, 3));

    OffsetAndMetadata commit = commit();
    assertThat(commit.offset()).isZero();
    CommitMetadata metadata = CommitMetadata.parse(commit.metadata());
    assertThat(metadata).isEqualTo(new CommitMetadata(4, Map.of(B, 0L), Map.of()));
    assertThat(metadata.done(A, 3)).isTrue();
    assertThat(metadata.done(B, 2)).isFalse(); // abandoned behind the failure: still to do after a restart
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
  void parseReadsWhatFormatWrote() {
    CommitMetadata metadata = new CommitMetadata(200, Map.of(Lane.database("company"), 120L,
        Lane.database("Grüße \"x\""), 118L, Lane.CLUSTER, 119L, Lane.NO_KEY, 117L), Map.of());
    String text = metadata.format(100);
    assertThat(CommitMetadata.parse(text)).isEqualTo(metadata);
    int lanes = metadata.behind().entrySet().stream().mapToInt(e -> CommitMetadata.bytesOf(e.getKey(), e.getValue()))
        .sum();
    assertThat(text.getBytes(StandardCharsets.UTF_8).length).isEqualTo(CommitMetadata.fixedBytes(200) + lanes - 1);
  }

  @Test
  void formatSaysNothingWhenNothingPastTheOffsetIsDescribed() {
    assertThat(new CommitMetadata(100, Map.of(A, 100L), Map.of()).format(100)).isEmpty();
  }

  @Test
  void parseOfEmptyOrNullMetadataSaysNothing() {
    assertThat(CommitMetadata.parse("")).isEqualTo(CommitMetadata.NONE);
    assertThat(CommitMetadata.parse(null)).isEqualTo(CommitMetadata.NONE);
    assertThat(CommitMetadata.NONE.done(A, 0)).isFalse();
  }

  @Test
  void parseOfUnreadableMetadataFails() {
    assertThatThrownBy(() -> CommitMetadata.parse("{not json")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> CommitMetadata.parse("{\"behind\":{}}")).isInstanceOf(IllegalStateException.class);
  }
}

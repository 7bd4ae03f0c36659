package io.ddlcast.producer.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.producer.capture.Xid;
import org.junit.jupiter.api.Test;

class PrimaryClientTest {
  @Test
  void a32BitXidIsPlacedInTheEpochOfItsReference() {
    long epoch2 = 2L << 32;
    assertThat(PrimaryClient.widen(100, epoch2 + 200)).isEqualTo(epoch2 + 100);
    assertThat(PrimaryClient.widen(200, epoch2 + 200)).isEqualTo(epoch2 + 200);
  }

  @Test
  void a32BitXidAboveTheReferenceBelongsToThePreviousEpoch() {
    long epoch2 = 2L << 32;
    assertThat(PrimaryClient.widen(0xFFFFFF00L, epoch2 + 5)).isEqualTo((1L << 32) + 0xFFFFFF00L);
  }

  @Test
  void inEpochZeroTheXidIsItself() {
    assertThat(PrimaryClient.widen(745, 900)).isEqualTo(745);
  }

  @Test
  void aSubtransactionIsPlacedInTheEpochOfItsTopLevelTransactionThoughItsIdIsAbove() {
    long epoch3 = 3L << 32;
    Xid top = Xid.full(epoch3 + 5);
    assertThat(PrimaryClient.fullId(Xid.of32(7).near(top), epoch3 + 900)).isEqualTo(epoch3 + 7);
    assertThat(PrimaryClient.fullId(Xid.of32(5).near(top), epoch3 + 900)).isEqualTo(epoch3 + 5);
  }

  @Test
  void aSubtransactionPastTheWraparoundOfItsTopLevelTransactionIsInTheNextEpoch() {
    long epoch3 = 3L << 32;
    Xid top = Xid.full(epoch3 + 0xFFFFFFF0L);
    assertThat(PrimaryClient.fullId(Xid.of32(4).near(top), (4L << 32) + 900)).isEqualTo((4L << 32) + 4);
    assertThat(PrimaryClient.fullId(Xid.of32(0xFFFFFFF8L).near(top), (4L << 32) + 900))
        .isEqualTo(epoch3 + 0xFFFFFFF8L);
  }

  @Test
  void aTransactionNearNoFullIdIsPlacedAtOrBelowTheNextId() {
    long epoch3 = 3L << 32;
    assertThat(PrimaryClient.fullId(Xid.of32(7), epoch3 + 5)).isEqualTo((2L << 32) + 7);
    assertThat(PrimaryClient.fullId(Xid.of32(7).near(Xid.of32(5)), epoch3 + 900)).isEqualTo(epoch3 + 7);
    assertThat(PrimaryClient.fullId(Xid.full(epoch3 + 7), 0)).isEqualTo(epoch3 + 7);
  }
}

package io.ddlcast.producer.primary;

import static org.assertj.core.api.Assertions.assertThat;

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
}

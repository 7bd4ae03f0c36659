package io.ddlcast.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AlternationTest {

  @Test
  void everyRoundRunsEverySetupOnceInARotatedOrder() {
    List<String> order = Alternation.schedule(List.of("A", "B", "C"), 5);
    assertThat(String.join("", order)).isEqualTo("ABC" + "BCA" + "CAB" + "ABC" + "BCA");
    for (int round = 0; round < 5; round++) {
      assertThat(order.subList(round * 3, round * 3 + 3)).containsExactlyInAnyOrder("A", "B", "C");
    }
  }

  @Test
  void overFullCyclesEachSetupTakesEachPositionEqually() {
    List<String> order = Alternation.schedule(List.of("A", "B", "C"), 6);
    for (String setup : List.of("A", "B", "C")) {
      for (int position = 0; position < 3; position++) {
        int p = position;
        long times = IntStream.range(0, 6).filter(r -> order.get(r * 3 + p).equals(setup))
            .count();
        assertThat(times).as(setup + " at position " + p).isEqualTo(2);
      }
    }
  }

  @Test
  void noSetupsOrNoRoundsIsAnError() {
    assertThatThrownBy(() -> Alternation.schedule(Collections.emptyList(), 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Alternation.schedule(List.of("A"), 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lossAndSlowdownArePairedRoundByRound() {
    List<Double> plain = List.of(1000.0, 800.0, 1200.0);
    List<Double> with = List.of(970.0, 800.0, 1260.0);
    List<Double> loss = Alternation.lossPercent(plain, with);
    assertThat(loss.get(0)).isCloseTo(3.0, within(1e-9));
    assertThat(loss.get(1)).isCloseTo(0.0, within(1e-9));
    assertThat(loss.get(2)).isCloseTo(-5.0, within(1e-9));
    // the median of the per-round losses: the rounds that ran together are compared
    assertThat(Stats.spread(loss).median()).isCloseTo(0.0, within(1e-9));

    List<Double> slow = Alternation.slowdownPercent(List.of(10.0, 20.0), List.of(11.5, 20.0));
    assertThat(slow.get(0)).isCloseTo(15.0, within(1e-9));
    assertThat(slow.get(1)).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void aRoundMissingEitherSideIsLeftOutOfTheSpread() {
    List<Double> loss = Alternation.lossPercent(List.of(100.0, Double.NaN, 100.0), List.of(90.0, 95.0, 98.0));
    assertThat(loss.get(1)).isNaN();
    assertThat(Stats.spread(loss).runs()).isEqualTo(2);
    assertThatThrownBy(() -> Alternation.lossPercent(List.of(1.0), List.of(1.0, 2.0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

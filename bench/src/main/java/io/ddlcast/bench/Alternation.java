package io.ddlcast.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs of several setups of one server, alternated rather than one block after the other: round {@code r} runs every
 * setup once, in the order rotated by {@code r} (ABC, BCA, CAB, ...), so that a drift of the machine (another
 * engineer's build, the page cache, autovacuum, a checkpoint) falls on every setup alike instead of on the last
 * block. Each setup's figure is then compared with the baseline's figure of the same round, and the report gives
 * the median of those per-round comparisons.
 */
final class Alternation {
  private Alternation() {}

  /** The order of the runs: {@code rounds} rounds of every setup, each round's order rotated by one. */
  static <T> List<T> schedule(List<T> setups, int rounds) {
    if (setups.isEmpty() || rounds < 1) {
      throw new IllegalArgumentException("need setups and at least one round");
    }
    List<T> order = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < setups.size(); i++) {
        order.add(setups.get((r + i) % setups.size()));
      }
    }
    return order;
  }

  /** Per round, how much lower {@code with} is than {@code base}, percent (a throughput loss: 3.0 means 3% less). */
  static List<Double> lossPercent(List<Double> base, List<Double> with) {
    return paired(base, with, (b, w) -> (1 - w / b) * 100);
  }

  /** Per round, how much longer {@code with} took than {@code base}, percent (5.0 means 5% slower). */
  static List<Double> slowdownPercent(List<Double> base, List<Double> with) {
    return paired(base, with, (b, w) -> (w / b - 1) * 100);
  }

  private interface Pair {
    double of(double base, double with);
  }

  private static List<Double> paired(List<Double> base, List<Double> with, Pair pair) {
    if (base.size() != with.size()) {
      throw new IllegalArgumentException("rounds differ: " + base.size() + " and " + with.size());
    }
    List<Double> result = new ArrayList<>();
    for (int i = 0; i < base.size(); i++) {
      Double b = base.get(i);
      Double w = with.get(i);
      result.add(b == null || w == null || b.isNaN() || w.isNaN() || b == 0 ? Double.NaN : pair.of(b, w));
    }
    return result;
  }
}

package io.ddlcast.common.generation;

import io.ddlcast.common.status.StatusJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code <topic>.generations} holds, read once: the generations in order, each promoted standby's word, the
 * switchover requests and the drained answers. An empty history stands for generation 1 starting at offset 0 on
 * every partition (a topic written before generations existed, or whose first producer has not started).
 *
 * <p>The one rule it answers: which generation was current at an offset ({@link #currentAt}). Records it cannot
 * read are listed in {@link #problems} and otherwise ignored: a reader never believes a generation it cannot parse.
 */
public final class GenerationHistory {
  public static final GenerationHistory EMPTY = new GenerationHistory(new TreeMap<>(), Map.of(), Map.of(),
      Map.of(), List.of());

  private final TreeMap<Integer, Generation> generations;
  private final Map<Integer, Promotion> promotions;
  private final Map<Integer, Switchover.Request> requests;
  private final Map<Integer, Switchover.Drained> drained;
  private final List<String> problems;

  private GenerationHistory(TreeMap<Integer, Generation> generations, Map<Integer, Promotion> promotions,
      Map<Integer, Switchover.Request> requests, Map<Integer, Switchover.Drained> drained, List<String> problems) {
    this.generations = generations;
    this.promotions = promotions;
    this.requests = requests;
    this.drained = drained;
    this.problems = problems;
  }

  /** From the latest value per key of the topic (as compaction keeps it). */
  public static GenerationHistory of(Map<String, byte[]> latestByKey) {
    TreeMap<Integer, Generation> generations = new TreeMap<>();
    Map<Integer, Promotion> promotions = new TreeMap<>();
    Map<Integer, Switchover.Request> requests = new TreeMap<>();
    Map<Integer, Switchover.Drained> drained = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    latestByKey.forEach((key, value) -> {
      try {
        if (key.startsWith("generation/")) {
          Generation g = StatusJson.decode(value, Generation.class);
          check(key, g.key());
          generations.put(g.generation(), g);
        } else if (key.startsWith("promotion/")) {
          Promotion p = StatusJson.decode(value, Promotion.class);
          check(key, p.key());
          promotions.put(p.generation(), p);
        } else if (key.startsWith("request/")) {
          Switchover.Request r = StatusJson.decode(value, Switchover.Request.class);
          check(key, r.key());
          requests.put(r.generation(), r);
        } else if (key.startsWith("drained/")) {
          Switchover.Drained d = StatusJson.decode(value, Switchover.Drained.class);
          check(key, d.key());
          drained.put(d.generation(), d);
        }
      } catch (IllegalArgumentException e) {
        problems.add("record " + key + " of the generations topic is unreadable: " + e.getMessage());
      }
    });
    int expected = 1;
    for (Integer n : new ArrayList<>(generations.keySet())) {
      if (n != expected) { // a gap: nothing after it is believed
        problems.add("generation " + n + " follows no generation " + expected + ": ignored, with what follows");
        generations.tailMap(n, true).clear();
        break;
      }
      expected++;
    }
    return new GenerationHistory(generations, promotions, requests, drained, List.copyOf(problems));
  }

  private static void check(String key, String expected) {
    if (!key.equals(expected)) {
      throw new IllegalArgumentException("its key says " + key + " but it holds " + expected);
    }
  }

  public boolean isEmpty() {
    return generations.isEmpty();
  }

  /** The number of the current generation (1 while the history is empty). */
  public int currentNumber() {
    return generations.isEmpty() ? 1 : generations.lastKey();
  }

  public Optional<Generation> current() {
    return generations.isEmpty() ? Optional.empty() : Optional.of(generations.lastEntry().getValue());
  }

  public Optional<Generation> get(int generation) {
    return Optional.ofNullable(generations.get(generation));
  }

  public List<Generation> all() {
    return List.copyOf(generations.values());
  }

  public Optional<Promotion> promotion(int generation) {
    return Optional.ofNullable(promotions.get(generation));
  }

  public Optional<Switchover.Request> request(int generation) {
    return Optional.ofNullable(requests.get(generation));
  }

  public Optional<Switchover.Drained> drained(int generation) {
    return Optional.ofNullable(drained.get(generation));
  }

  public List<String> problems() {
    return Collections.unmodifiableList(problems);
  }

  /** The generation current at {@code offset} of {@code partition}: the newest one starting at or before it. */
  public int currentAt(int partition, long offset) {
    for (Generation g : generations.descendingMap().values()) {
      if (g.startOf(partition) <= offset) {
        return g.generation();
      }
    }
    return 1;
  }

  /** The source name that publishes generation {@code n}: the first producer's, or the promoted standby's. */
  public Optional<String> sourceOf(int generation) {
    Generation g = generations.get(generation);
    if (g == null) {
      return Optional.empty();
    }
    if (g.source() != null) {
      return Optional.of(g.source());
    }
    Promotion p = promotions.get(generation);
    return p == null ? Optional.empty() : Optional.of(p.source());
  }

  /** The generations {@code source} published, oldest first. */
  public List<Integer> generationsOf(String source) {
    List<Integer> out = new ArrayList<>();
    for (Generation g : generations.values()) {
      if (sourceOf(g.generation()).filter(source::equals).isPresent()) {
        out.add(g.generation());
      }
    }
    return out;
  }

  /** The generation after {@code generation}, if one began. */
  public Optional<Generation> next(int generation) {
    return Optional.ofNullable(generations.get(generation + 1));
  }
}

package io.ddlcast.applier;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationMarker;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.Progress;
import io.ddlcast.common.status.UntilState;
import io.ddlcast.common.status.Waits;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the topic for one standby and hands each event to the lane of its database; commits offsets only for what
 * was applied (see {@link OffsetLedger}).
 *
 * <p>The consumer group is the standby's ({@code ddlcast.applier.<standby>}), with the standby name as static
 * member id: a second applier started for the same standby fences the first one, which stops and says so, instead
 * of two processes applying DDL to one standby. Reads are {@code read_committed}: only events the producer
 * committed, never auto-committed. When lanes fall behind, fetching pauses.
 */
final class EventConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);
  /** How often a standby that is behind says how far it has come ({@link CatchUp}). */
  private static final Duration CATCH_UP_INTERVAL = Duration.ofSeconds(10);
  private static final int MAX_QUEUED = 10_000;
  /** How long a marker waits for its generation to be readable before it is taken for a stray record. */
  private static final Duration MARKER_WAIT = Duration.ofSeconds(10);
  /** Cluster-wide events that ran ahead of a stopped lane that status names (the first ones). */
  private static final int MAX_RAN_AHEAD_SHOWN = 20;

  /** Records of a partition held back behind a cluster-wide event until it is applied. */
  private static final class Held {
    final ArrayDeque<ConsumerRecord<String, byte[]>> records = new ArrayDeque<>();
    boolean headSubmitted;
    /** What the head waits for, as last seen (for status); empty once submitted. */
    OffsetLedger.Pending waitingFor = new OffsetLedger.Pending(Set.of(), Map.of());
    /** The stopped lanes the head was last logged waiting for. */
    Set<Lane> loggedStopped = Set.of();
    private Work head;

    /** The first record, decoded once (it is looked at every poll while it waits). */
    Work head(RecordGate gate) {
      ConsumerRecord<String, byte[]> first = records.peekFirst();
      if (first == null) {
        return null;
      }
      if (head == null || head.offset() != first.offset()) {
        head = Work.of(first, gate);
      }
      return head;
    }
  }

  private final ApplierConfig config;
  private final BooleanSupplier running;
  private final OffsetLedger ledger = new OffsetLedger();
  /** Concurrent: counters are read from other threads ({@link #filtered()}). */
  private final Map<Lane, ApplyLane> lanes = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Held> held = new HashMap<>();
  /** Stopped lanes and the (first) cluster-wide events that ran ahead of them, in this reading of the topic. */
  private final Map<Lane, List<String>> ranAhead = new HashMap<>();
  private final Supplier<Consumer<String, byte[]>> consumers;
  private final EventExecutor executor;
  private final AtomicInteger queued = new AtomicInteger();
  private final ExecutorService pool;
  private final ApplierMetrics metrics;
  private Consumer<String, byte[]> consumer;
  private boolean paused;
  private long lastCommit;
  private long lastProgress = System.nanoTime();
  /** Events the commit metadata showed applied in an earlier run, in this run. */
  private long alreadyApplied;

  private final ResultSink results;
  private final OperatorDecisions decisions;
  private final RecordGate gate;
  private final Generations generations;
  /**
   * Where this standby stops applying, per partition: it is the promoted standby of the current generation, which
   * starts there (its own DDL is the source from then on).
   */
  private final Map<TopicPartition, Long> stopAt = new HashMap<>();
  private boolean promoted;
  private volatile boolean restartRequested;
  /** Where --until stops this standby (null: it runs until stopped), and where it stops each partition. */
  private UntilStop until;
  private final Map<TopicPartition, Long> untilAt = new HashMap<>();
  /** The last event handed on before the --until point, and the first one past it, per partition. */
  private final Map<TopicPartition, String> lastBefore = new HashMap<>();
  private final Map<TopicPartition, DdlEvent> firstAfter = new HashMap<>();
  /** The offset of the last record handed on before the point, per partition (the next may be a commit marker). */
  private final Map<TopicPartition, Long> lastRouted = new HashMap<>();
  private boolean untilReached;
  private boolean toldNotReached;
  private CatchUp catchUp;
  private volatile Progress progress;
  private long lastCatchUpLog;
  private boolean catchUpLogged;
  private boolean firstSample = true;

  EventConsumer(ApplierConfig config, BooleanSupplier running, ResultSink results, OperatorDecisions decisions,
      ApplierMetrics metrics, ApplierTrust trust, Generations generations) {
    this(config, running, results, decisions, metrics, () -> kafkaConsumer(config), new StatementExecutor(
        new StandbyConnections(config.standby(), config.standbyName(), config.limits()), config.tablespaceMap(),
        config.secretsKey()), trust, generations);
  }

  /** Reads with the consumer {@code consumers} makes when {@link #open} runs; closes the executor when closed. */
  EventConsumer(ApplierConfig config, BooleanSupplier running, ResultSink results, OperatorDecisions decisions,
      ApplierMetrics metrics, Supplier<Consumer<String, byte[]>> consumers, EventExecutor executor) {
    this(config, running, results, decisions, metrics, consumers, executor, ApplierTrust.UNSIGNED);
  }

  /** As above, letting through only the records {@code trust} accepts ({@link RecordGate}). */
  EventConsumer(ApplierConfig config, BooleanSupplier running, ResultSink results, OperatorDecisions decisions,
      ApplierMetrics metrics, Supplier<Consumer<String, byte[]>> consumers, EventExecutor executor,
      ApplierTrust trust) {
    this(config, running, results, decisions, metrics, consumers, executor, trust,
        Generations.fixed(GenerationHistory.EMPTY));
  }

  /** As above, applying only the events whose generation was current at their offset ({@link Generations}). */
  EventConsumer(ApplierConfig config, BooleanSupplier running, ResultSink results, OperatorDecisions decisions,
      ApplierMetrics metrics, Supplier<Consumer<String, byte[]>> consumers, EventExecutor executor,
      ApplierTrust trust, Generations generations) {
    this.generations = generations;
    this.gate = new RecordGate(trust, generations);
    this.config = config;
    this.running = () -> running.getAsBoolean() && !restartRequested;
    this.results = results;
    this.decisions = decisions;
    this.metrics = metrics;
    this.consumers = consumers;
    this.executor = executor;
    AtomicInteger threads = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(config.parallelism(), r -> {
      Thread t = new Thread(r, "ddlcast-apply-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static Consumer<String, byte[]> kafkaConsumer(ApplierConfig config) {
    Properties props = config.kafka().clientProperties("ddlcast-applier-" + config.standbyName());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.applierGroup(config.standbyName()));
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.standbyName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  void open() {
    consumer = consumers.get();
    consumer.subscribe(Set.of(config.topic()), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        for (TopicPartition tp : partitions) {
          OffsetAndMetadata om = committed.get(tp);
          ledger.assigned(tp, om);
          stopFor(tp, generations.history());
          LOG.info("standby {}: {} partition {} from {}", config.standbyName(), tp.topic(), tp.partition(),
              om == null ? "the beginning (a new standby replays the whole history)" : "offset " + om.offset());
        }
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        commit(true);
        partitions.forEach(ledger::revoked);
        partitions.forEach(held::remove);
        partitions.forEach(metrics::revoked);
      }
    });
  }

  /** One poll: route records to lanes, pause or resume fetching, commit what was applied. */
  void pollOnce() {
    ConsumerRecords<String, byte[]> records;
    try {
      records = consumer.poll(Duration.ofMillis(200));
    } catch (FencedInstanceIdException e) {
      throw new DdlcastException(ExitCode.FAILED, "another applier for standby " + config.standbyName()
          + " took over (Kafka fenced this one); run one applier per standby", e);
    } catch (WakeupException e) {
      return;
    }
    for (ConsumerRecord<String, byte[]> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      OptionalInt marker = GenerationMarker.of(record);
      if (marker.isPresent()) {
        marked(tp, record.offset(), marker.getAsInt());
      }
      if (until != null && marker.isEmpty() && !untilAt.containsKey(tp)) {
        judgeUntil(tp, record);
      }
      Long stop = stopAt.get(tp);
      Long untilStop = untilAt.get(tp);
      if (untilStop != null && (stop == null || untilStop < stop)) {
        stop = untilStop;
      }
      if (stop != null && record.offset() >= stop) {
        consumer.pause(Set.of(tp));
        continue; // this standby is the source from here on, or --until's point is behind
      }
      Held h = held.get(tp);
      if (h != null) {
        h.records.add(record);
      } else {
        route(record);
      }
    }
    releaseHeld();
    Set<TopicPartition> barriers = held.keySet();
    if (!paused && queued.get() > MAX_QUEUED) {
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (paused && queued.get() < MAX_QUEUED / 2) {
      paused = false;
    }
    if (!paused) {
      Set<TopicPartition> resume = new HashSet<>(consumer.paused());
      resume.removeAll(barriers);
      resume.removeAll(stopAt.keySet());
      resume.removeAll(untilAt.keySet());
      consumer.resume(resume);
      consumer.pause(barriers);
    }
    if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
      commit(false);
    }
    metrics.polled(heldNotSubmitted(), topicLag());
    logProgress();
    Standing standing = standing();
    trackCatchUp(standing);
    if (!stopAt.isEmpty() && !promoted && reachedStops()) {
      commit(true);
      promoted = true;
    }
    if (until != null && !untilReached) {
      if (reachedUntil()) {
        commit(true);
        untilReached = true;
      } else {
        tellNotReached(standing);
      }
    }
  }

  /**
   * Records of the topic done and to do (up to its end as last fetched, or the --until point), summed over the
   * partitions; {@code known} false until every assigned partition has a position and lag. A partition with
   * nothing in flight and nothing left to fetch counts as done to its end: the records after the last one read are
   * the transactions' commit markers, which the consumer never sees.
   */
  private record Standing(boolean known, long done, long end) {}

  private Standing standing() {
    long done = 0;
    long end = 0;
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong lag = consumer.currentLag(tp);
      long d = ledger.done(tp);
      if (lag.isEmpty() || d < 0) {
        return new Standing(false, 0, 0);
      }
      long e = consumer.position(tp) + lag.getAsLong();
      Long stop = untilAt.get(tp);
      if (stop != null) {
        e = Math.min(e, stop);
        d = reachedUntil(tp) ? e : Math.min(d, e);
      } else if (lag.getAsLong() == 0 && ledger.idle(tp) && !held.containsKey(tp)) {
        d = e;
      }
      done += d;
      end += e;
    }
    return new Standing(!consumer.assignment().isEmpty(), done, end);
  }

  /** True once every partition is applied up to the --until point. */
  private boolean reachedUntil() {
    Set<TopicPartition> assignment = consumer.assignment();
    return !assignment.isEmpty() && assignment.stream().allMatch(this::reachedUntil);
  }

  /** True once the partition has its --until stop and everything handed on before it is done. */
  private boolean reachedUntil(TopicPartition tp) {
    if (!untilAt.containsKey(tp) || held.containsKey(tp)) {
      return false;
    }
    long done = ledger.done(tp);
    Long last = lastRouted.get(tp);
    return done >= 0 && (last == null || done > last);
  }

  /** From now on, this standby applies nothing past {@code stop}'s point ({@code applier run --until}). */
  void stopAfter(UntilStop stop) {
    this.until = stop;
  }

  /** True once everything before the --until point is applied (and committed): the applier stops. */
  boolean untilReached() {
    return untilReached;
  }

  /** Where --until stands, for the heartbeat; null without --until. */
  UntilState untilState() {
    if (until == null) {
      return null;
    }
    String at = lastBefore.values().stream().findFirst().orElse(null);
    return new UntilState(until.point().describe(), untilReached, untilReached ? at : null);
  }

  /** Where each partition stopped, for the applier's last line: {@code partition 0 after E, before F (logged T)}. */
  String untilStops() {
    List<String> parts = new ArrayList<>();
    new TreeMap<Integer, TopicPartition>(untilAt.keySet().stream().collect(
        Collectors.toMap(TopicPartition::partition, tp -> tp))).forEach((p, tp) -> {
          DdlEvent next = firstAfter.get(tp);
          Long last = lastRouted.get(tp);
          parts.add("partition " + p + " after " + (last == null ? "what earlier runs applied"
              : lastBefore.get(tp) + " (offset " + last + ")") + (next == null ? ""
              : ", before " + next.id() + " (logged " + next.logTime() + ", not applied)"));
        });
    return String.join("; ", parts);
  }

  /** Where the record is relative to --until's point: past it, its partition stops there. */
  private void judgeUntil(TopicPartition tp, ConsumerRecord<String, byte[]> record) {
    Work work = Work.of(record, gate);
    UntilStop.Verdict verdict;
    try {
      verdict = until.judge(tp.partition(), record.offset(), work.event());
    } catch (IllegalStateException e) {
      throw new DdlcastException(ExitCode.FAILED, "standby " + config.standbyName() + ": --until "
          + until.point().describe() + " cannot be applied at " + work.where() + ": " + e.getMessage(), e);
    }
    switch (verdict) {
      case BEFORE -> {
        lastBefore.put(tp, OperatorDecisions.eventRef(work));
        lastRouted.put(tp, record.offset());
      }
      case LAST -> {
        lastBefore.put(tp, OperatorDecisions.eventRef(work));
        lastRouted.put(tp, record.offset());
        untilAt.put(tp, record.offset() + 1);
      }
      case AFTER -> {
        untilAt.put(tp, record.offset());
        if (work.event() != null) {
          firstAfter.put(tp, work.event());
        }
        LOG.info("standby {}: {} is past --until {}: partition {} stops before offset {}", config.standbyName(),
            OperatorDecisions.eventRef(work), until.point().describe(), tp.partition(), record.offset());
      }
      default -> throw new IllegalStateException("verdict " + verdict);
    }
  }

  /** Says once per wait that the topic ends before the --until point (nothing is applied past it). */
  private void tellNotReached(Standing standing) {
    boolean caughtUp = standing.known() && standing.done() >= standing.end();
    if (caughtUp && !toldNotReached) {
      LOG.info("standby {} has applied everything on the topic and has not reached --until {} yet: waiting for the "
          + "events after it (nothing past it is applied)", config.standbyName(), until.point().describe());
    }
    toldNotReached = caughtUp;
  }

  /**
   * While the standby is behind (a rebuild, a backlog), says how far it has come: at once when a run begins behind,
   * then every {@link #CATCH_UP_INTERVAL}, and when it has caught up.
   */
  private void trackCatchUp(Standing standing) {
    if (!standing.known()) {
      return;
    }
    long done = standing.done();
    long end = standing.end();
    long now = System.nanoTime();
    boolean runBegins = firstSample;
    firstSample = false;
    if (end <= done) {
      if (catchUp != null && catchUpLogged) {
        LOG.info("standby {}: caught up: {}", config.standbyName(), catchUp.caughtUp(done, now));
      }
      catchUp = null;
      progress = null;
      return;
    }
    if (catchUp == null) {
      catchUp = new CatchUp(done, now);
      catchUpLogged = false;
      lastCatchUpLog = now;
    }
    progress = catchUp.at(done, end, now);
    if (runBegins || now - lastCatchUpLog >= CATCH_UP_INTERVAL.toNanos()) {
      lastCatchUpLog = now;
      catchUpLogged = true;
      LOG.info("standby {}: {}", config.standbyName(), CatchUp.describe(progress));
    }
  }

  /** How far this standby has come while behind, for the heartbeat; null when it is not behind. */
  Progress progress() {
    return progress;
  }

  /**
   * A marker: its generation begins after it, if the generations topic says so (else it is a stray record, passed).
   * The promoted standby of the current generation stops there.
   */
  private void marked(TopicPartition tp, long offset, int generation) {
    GenerationHistory history = generations.history();
    long deadline = System.nanoTime() + MARKER_WAIT.toNanos();
    // the marker and its generation commit together, but the broker marks each partition of the transaction
    // committed in turn: the generation's record may become readable a moment after its marker
    while (history.get(generation).isEmpty() && System.nanoTime() < deadline && running.getAsBoolean()) {
      history = generations.refresh();
      if (history.get(generation).isEmpty()) {
        Backoff.sleep(Duration.ofMillis(100));
      }
    }
    Optional<Generation> g = history.get(generation).filter(x -> x.startOf(tp.partition()) == offset + 1);
    if (g.isEmpty()) {
      LOG.warn("standby {}: the record at {} partition {} offset {} claims to start generation {}, which the "
          + "generations topic does not start there: ignored", config.standbyName(), tp.topic(), tp.partition(),
          offset, generation);
      return;
    }
    LOG.info("standby {}: {} begins at {} partition {} offset {}", config.standbyName(), g.get().describe(),
        tp.topic(), tp.partition(), offset + 1);
    stopFor(tp, history);
  }

  /** Sets where this standby stops on {@code tp} if it is the promoted standby of the current generation. */
  private void stopFor(TopicPartition tp, GenerationHistory history) {
    history.current()
        .filter(g -> g.generation() > 1 && config.standbyName().equals(g.standby()))
        .ifPresent(g -> {
          if (stopAt.put(tp, g.startOf(tp.partition())) == null) {
            LOG.info("standby {} is the promoted standby of {}: it applies everything before offset {} of "
                + "partition {} and nothing after", config.standbyName(), g.describe(), g.startOf(tp.partition()),
                tp.partition());
          }
        });
  }

  /** True once every partition is applied up to where this standby stops. */
  private boolean reachedStops() {
    Set<TopicPartition> assignment = consumer.assignment();
    if (assignment.isEmpty()) {
      return false;
    }
    for (TopicPartition tp : assignment) {
      Long stop = stopAt.get(tp);
      if (stop == null || held.containsKey(tp)) {
        return false;
      }
      if (stop > 0 && (!ledger.settled(tp, stop - 1) || !ledger.pendingBefore(tp, stop).isEmpty())) {
        return false;
      }
    }
    return true;
  }

  /** True once this standby applied everything before its generation's start: it is the source now. */
  boolean promoted() {
    return promoted;
  }

  /** Records waiting behind a cluster-wide event, not yet handed to a lane (a submitted head is the lane's). */
  private long heldNotSubmitted() {
    long count = 0;
    for (Held h : held.values()) {
      count += h.records.size() - (h.headSubmitted ? 1 : 0);
    }
    return count;
  }

  /** Records between the consumer's position and the end of the topic (last stable offset), as last fetched. */
  private long topicLag() {
    long lag = 0;
    for (TopicPartition tp : consumer.assignment()) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    return lag;
  }

  /**
   * Hands a record to its database's lane. A statement on cluster-wide objects is a barrier: it waits until
   * everything before it in the partition was applied (but for lanes stopped on an error that it does not depend on,
   * see {@link #releaseHeld}), runs alone, and everything after it waits for it, so that a role exists before it is
   * granted in any database and a database exists before it is filled.
   */
  private void route(ConsumerRecord<String, byte[]> record) {
    if (GenerationMarker.of(record).isPresent()) { // nothing to apply: it only moves the position on
      ledger.passed(new Work(new TopicPartition(record.topic(), record.partition()), record.offset(), Lane.CLUSTER,
          null, null));
      return;
    }
    Work work = Work.of(record, gate);
    if (ledger.alreadyApplied(work)) {
      ledger.passed(work);
      alreadyApplied++;
      metrics.alreadyApplied();
      return;
    }
    if (work.lane().isCluster()) {
      Held h = new Held();
      h.records.add(record);
      held.put(work.partition(), h);
      consumer.pause(Set.of(work.partition()));
      return;
    }
    lane(work.lane()).submit(work);
  }

  private ApplyLane lane(Lane lane) {
    return lanes.computeIfAbsent(lane, l -> new ApplyLane(l, config.standbyName(), executor, ledger, pool, running,
        queued, results, decisions, metrics, config.filter(), config.batch()));
  }

  /**
   * Moves each partition's barrier on: submit it when the lanes before it are done, release what follows when it is.
   * A lane stopped on an error before it holds it only where running it first could change what that lane's
   * remaining events do ({@link BarrierReach}); else it runs ahead of that lane, which applies its remaining events
   * after it once retried or skipped.
   */
  private void releaseHeld() {
    for (Iterator<Map.Entry<TopicPartition, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<TopicPartition, Held> e = it.next();
      TopicPartition tp = e.getKey();
      Held h = e.getValue();
      while (true) {
        ConsumerRecord<String, byte[]> head = h.records.peekFirst();
        if (head == null) {
          it.remove();
          break;
        }
        if (!h.headSubmitted && !submitWhenFree(h, h.head(gate))) {
          break;
        }
        if (!ledger.settled(tp, head.offset())) {
          break;
        }
        h.records.pollFirst();
        h.headSubmitted = false;
        h.loggedStopped = Set.of();
        ConsumerRecord<String, byte[]> next;
        while ((next = h.records.peekFirst()) != null && !isCluster(next)) {
          h.records.pollFirst();
          route(next);
          if (held.get(tp) != h) {
            // route() started a new barrier for this partition: keep the rest behind it
            held.get(tp).records.addAll(h.records);
            h.records.clear();
            break;
          }
        }
        if (held.get(tp) != h) {
          break;
        }
      }
    }
  }

  /** Submits the barrier at the head of {@code h} if nothing before it holds it; false if something does. */
  private boolean submitWhenFree(Held h, Work barrier) {
    OffsetLedger.Pending pending = ledger.pendingBefore(barrier.partition(), barrier.offset());
    Set<Lane> holding = BarrierReach.of(barrier.event()).holding(pending.stopped());
    if (!pending.applying().isEmpty() || !holding.isEmpty()) {
      h.waitingFor = new OffsetLedger.Pending(pending.applying(), stoppedOnly(pending.stopped(), holding));
      if (!holding.isEmpty() && !holding.equals(h.loggedStopped)) {
        LOG.warn("standby {}: the cluster-wide event {} ({}) at {} waits for {}, stopped on an error before it: "
                + "running it first could change what the events left there do; retry or skip there (ddlcast "
                + "applier retry|skip), and it runs", config.standbyName(), barrier.event().id(),
            barrier.event().command(), barrier.where(), describe(holding));
        h.loggedStopped = holding;
      }
      return false;
    }
    h.waitingFor = new OffsetLedger.Pending(Set.of(), Map.of());
    if (!pending.stopped().isEmpty()) {
      LOG.warn("standby {}: the cluster-wide event {} ({}) at {} runs ahead of {}, stopped on an error before it "
              + "(it only adds what their remaining events cannot have used); they apply their remaining events "
              + "after it once retried or skipped", config.standbyName(), barrier.event().id(),
          barrier.event().command(), barrier.where(), describe(pending.stopped().keySet()));
      for (Lane lane : pending.stopped().keySet()) {
        List<String> ids = ranAhead.computeIfAbsent(lane, l -> new ArrayList<>());
        if (ids.size() < MAX_RAN_AHEAD_SHOWN) {
          ids.add(barrier.event().id());
        }
      }
    }
    lane(Lane.CLUSTER).submit(barrier);
    h.headSubmitted = true;
    return true;
  }

  private static Map<Lane, Long> stoppedOnly(Map<Lane, Long> stopped, Set<Lane> lanes) {
    Map<Lane, Long> out = new LinkedHashMap<>(stopped);
    out.keySet().retainAll(lanes);
    return out;
  }

  private static String describe(Collection<Lane> lanes) {
    return lanes.stream().map(Lane::describe).collect(Collectors.joining(", "));
  }

  /**
   * What waits on what now, for the heartbeat (consumer thread): each partition's barrier, what it waits for and
   * holds, and the stopped lanes that barriers ran ahead of.
   */
  Waits waits() {
    List<Waits.Barrier> barriers = new ArrayList<>();
    held.forEach((tp, h) -> {
      Work barrier = h.head(gate);
      if (barrier == null) {
        return;
      }
      Set<String> heldLanes = new TreeSet<>();
      h.records.stream().skip(1).filter(r -> GenerationMarker.of(r).isEmpty())
          .forEach(r -> heldLanes.add(Work.of(r, gate).lane().name()));
      ApplyLane cluster = lanes.get(Lane.CLUSTER);
      Waits.BarrierState state = !h.headSubmitted ? Waits.BarrierState.WAITING
          : cluster != null && cluster.stoppedAt() != null ? Waits.BarrierState.STOPPED : Waits.BarrierState.RUNNING;
      barriers.add(new Waits.Barrier(OperatorDecisions.eventRef(barrier),
          barrier.event() == null ? null : barrier.event().command(), tp.partition(), barrier.offset(), state,
          names(h.waitingFor.applying()), names(h.waitingFor.stopped().keySet()), List.copyOf(heldLanes),
          h.records.size() - 1));
    });
    List<Waits.StoppedBehind> behind = new ArrayList<>();
    ranAhead.forEach((lane, ids) -> {
      ApplyLane stopped = lanes.get(lane);
      if (stopped != null && stopped.stoppedAt() != null) {
        behind.add(new Waits.StoppedBehind(lane.name(), stopped.stoppedAt(), ids));
      }
    });
    List<Waits.Retrying> retrying = new ArrayList<>();
    lanes.values().forEach(lane -> {
      Waits.Retrying r = lane.retrying();
      if (r != null) {
        retrying.add(r);
      }
    });
    retrying.sort(Comparator.comparing(Waits.Retrying::since));
    return new Waits(barriers, behind, retrying);
  }

  private static List<String> names(Collection<Lane> lanes) {
    return lanes.stream().map(Lane::name).toList();
  }

  private boolean isCluster(ConsumerRecord<String, byte[]> record) {
    return GenerationMarker.of(record).isEmpty() && Work.of(record, gate).lane().isCluster();
  }

  private void commit(boolean force) {
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
    lastCommit = System.nanoTime();
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(force ? 30 : 10));
      ledger.committed(offsets);
    } catch (FencedInstanceIdException e) {
      throw new DdlcastException(ExitCode.FAILED, "another applier for standby " + config.standbyName()
          + " took over (Kafka fenced this one); run one applier per standby", e);
    } catch (OffsetMetadataTooLarge e) {
      metrics.error(ErrorKind.RETRIABLE, "kafka");
      boolean shrunk = ledger.shrinkMetadata();
      LOG.warn("the broker refused the commit's metadata as too large ({}, its offset.metadata.max.bytes): "
          + "committing {} from now on; will retry", e.getMessage(),
          shrunk ? "at most " + ledger.metadataBytes() + " bytes of it" : "none");
    } catch (KafkaException e) {
      metrics.error(ErrorKind.RETRIABLE, "kafka");
      LOG.warn("committing offsets to Kafka failed ({}); will retry", e.toString());
    }
  }

  private void logProgress() {
    long now = System.nanoTime();
    if (now - lastProgress < PROGRESS_INTERVAL.toNanos()) {
      return;
    }
    lastProgress = now;
    long applied = lanes.values().stream().mapToLong(ApplyLane::applied).sum();
    long stopped = lanes.values().stream().filter(l -> l.state() == ApplyLane.State.STOPPED).count();
    long retrying = lanes.values().stream().filter(l -> l.state() == ApplyLane.State.RETRYING).count();
    long lag = 0;
    for (TopicPartition tp : consumer.assignment()) {
      lag += consumer.currentLag(tp).orElse(0);
    }
    LOG.info("standby {}: {} events applied in this run ({} already applied before), {} filtered, {} queued, {} "
            + "behind in the topic; {} database(s): {} stopped on an error, {} retrying", config.standbyName(), applied,
        alreadyApplied, filtered(), queued.get(), lag, lanes.size(), stopped, retrying);
  }

  /** Events this standby's filters left out, in this run (any thread). */
  long filtered() {
    return lanes.values().stream().mapToLong(ApplyLane::filtered).sum();
  }

  /** Lanes finish the statement in hand, then the final commit; the consumer leaves the group. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("standby {}: a statement is still running after 60 s; stopping without waiting for it",
            config.standbyName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (consumer != null) {
      try {
        commit(true);
      } catch (RuntimeException e) {
        LOG.warn("final commit failed: {}", e.toString());
      }
      consumer.close(Duration.ofSeconds(10));
    }
    executor.close();
  }

  /** Lanes stopped on an error, with the event each stopped at. */
  Map<Lane, String> stoppedLanes() {
    Map<Lane, String> out = new HashMap<>();
    lanes.forEach((lane, applyLane) -> {
      String at = applyLane.stoppedAt();
      if (at != null) {
        out.put(lane, at);
      }
    });
    return out;
  }

  /**
   * Ends this reading of the topic so that a new one starts from the committed offsets: how a running applier
   * retries or skips a stopped event (the failed event holds the committed offset back; what other lanes did after
   * it is known from the commit metadata, or from the standby's markers, and not run again).
   */
  void requestRestart() {
    restartRequested = true;
    wakeup();
  }

  boolean restartRequested() {
    return restartRequested;
  }

  void wakeup() {
    if (consumer != null) {
      consumer.wakeup();
    }
  }
}

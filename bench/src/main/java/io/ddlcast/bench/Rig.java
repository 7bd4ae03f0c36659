package io.ddlcast.bench;

import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.Resources;
import io.ddlcast.testkit.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The servers and components of one benchmark run: a primary (csvlog as the producer expects it, ddlcast's helper
 * installed) and standbys from the testkit, on the run's own topic of the shared broker, with the producer and the
 * appliers as separate processes started from their runnable jars exactly as an operator starts them (so that their
 * memory and CPU are theirs, see {@link Footprint}). The producer runs with its default {@code --poll-interval}.
 * Every server is durable ({@link ServerSetup}); each process is pinned where the deployment puts it
 * ({@link Placement}): the primary and the producer on the primary host's CPU, the rest on the other.
 */
final class Rig implements AutoCloseable {
  /** JVM options of the producer and applier processes: a heap ceiling above both targets, and a GC log. */
  static final String HEAP_CEILING = "-Xmx256m";

  /** A component process with its GC log. */
  record Component(String name, JavaProcess process, Path gcLog) {
    long pid() {
      return process.pid();
    }
  }

  final Broker kafka;
  final String topic;
  final PostgresServer primary;
  final List<PostgresServer> standbys = new ArrayList<>();
  final Path logs;
  private final Resources resources = new Resources();
  private Component producer;
  private final List<Component> appliers = new ArrayList<>();

  private Rig(Broker kafka, String topic, PostgresServer primary, Path logs) {
    this.kafka = kafka;
    this.topic = topic;
    this.primary = primary;
    this.logs = logs;
    resources.track(primary);
  }

  /** Creates a primary and {@code standbyCount} standbys in parallel and installs the helper on the primary. */
  static Rig start(Broker kafka, String run, int standbyCount, Path logs) {
    CompletableFuture<PostgresServer> primary =
        CompletableFuture.supplyAsync(() -> TestServers.postgres(run + "-primary", ServerSetup.primary()));
    List<CompletableFuture<PostgresServer>> standbys = new ArrayList<>();
    for (int i = 1; i <= standbyCount; i++) {
      String name = run + "-standby" + i;
      standbys.add(CompletableFuture.supplyAsync(() -> TestServers.postgres(name, ServerSetup.plain())));
    }
    Rig rig = new Rig(kafka, "ddlcast.bench." + run, primary.join(), logs);
    for (CompletableFuture<PostgresServer> s : standbys) {
      rig.standbys.add(rig.track(s.join()));
    }
    Placement.pin(rig.primary, Placement.PRIMARY_HOST);
    rig.standbys.forEach(s -> Placement.pin(s, Placement.OTHER_HOSTS));
    installHelper(rig.primary, logs.resolve(run + "-install.log"));
    return rig;
  }

  /** {@code producer install} on a primary, as a process. */
  static void installHelper(PostgresServer primary, Path output) {
    try (JavaProcess install = JavaProcess.startJar(Jars.producer(), List.of(), List.of("install", "--primary-url",
        primary.jdbcUrl("postgres")), Map.of(), output)) {
      int code = install.waitFor(Duration.ofSeconds(120));
      if (code != 0) {
        throw new BenchException("producer install exited with " + code + ":\n" + PgTools.tail(install.output()));
      }
    }
  }

  /** A fresh standby cluster tracked by this rig (for a rebuild). */
  PostgresServer addStandby(String name) {
    PostgresServer standby = track(TestServers.postgres(name, ServerSetup.plain()));
    Placement.pin(standby, Placement.OTHER_HOSTS);
    standbys.add(standby);
    return standby;
  }

  Component startProducer() {
    producer = producerProcess(kafka, topic, primary, logs, List.of());
    track(producer.process());
    return producer;
  }

  /**
   * The producer of {@code primary} on {@code topic} as a process, pinned to the primary host's CPU; returns once it
   * reads the log. The caller stops it.
   */
  static Component producerProcess(Broker kafka, String topic, PostgresServer primary, Path logs,
      List<String> extraArgs) {
    List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", kafka.bootstrapServers(), "--topic",
        topic, "--primary-url", primary.jdbcUrl("postgres"), "--pgdata", primary.pgdata().toString()));
    args.addAll(extraArgs);
    Path gcLog = logs.resolve(topic + "-producer.gc.log");
    JavaProcess process = JavaProcess.startJar(Jars.producer(), List.of(HEAP_CEILING, Footprint.gcLogOption(gcLog)),
        args, Map.of(), logs.resolve(topic + "-producer.log"));
    try {
      Placement.pin(process.pid(), Placement.PRIMARY_HOST);
      process.awaitOutput("producer for source", Duration.ofSeconds(120));
    } catch (RuntimeException | AssertionError e) {
      process.sigkill();
      throw e;
    }
    return new Component("producer", process, gcLog);
  }

  /** Starts an applier for {@code standby} under {@code name}; returns once it reads the topic. */
  Component startApplier(PostgresServer standby, String name) {
    return startAppliers(List.of(standby), List.of(name)).get(0);
  }

  /** Starts one applier per standby, all at once, each under its name; returns once every one reads the topic. */
  List<Component> startAppliers(List<PostgresServer> targets, List<String> names) {
    List<Component> started = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      String name = names.get(i);
      Path gcLog = logs.resolve(topic + "-applier-" + name + ".gc.log");
      List<String> args = List.of("run", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
          "--standby-name", name, "--standby-url", targets.get(i).jdbcUrl("postgres"));
      JavaProcess process = track(JavaProcess.startJar(Jars.applier(), List.of(HEAP_CEILING,
          Footprint.gcLogOption(gcLog)), args, Map.of(), applierLog(name)));
      Placement.pin(process.pid(), Placement.OTHER_HOSTS);
      Component applier = new Component("applier " + name, process, gcLog);
      appliers.add(applier);
      started.add(applier);
    }
    for (int i = 0; i < started.size(); i++) {
      started.get(i).process().awaitOutput("applier for standby " + names.get(i), Duration.ofSeconds(180));
    }
    return started;
  }

  Path applierLog(String name) {
    return logs.resolve(topic + "-applier-" + name + ".log");
  }

  Component producer() {
    return producer;
  }

  List<Component> appliers() {
    return appliers;
  }

  /** Waits until {@code check} holds on every given server, failing if a component died meanwhile. */
  void awaitAll(String what, Duration timeout, List<PostgresServer> servers, Predicate<PostgresServer> check) {
    Await.until(what, timeout, () -> {
      checkAlive();
      return servers.stream().allMatch(check);
    });
  }

  void checkAlive() {
    List<Component> all = new ArrayList<>(appliers);
    if (producer != null) {
      all.add(producer);
    }
    for (Component c : all) {
      if (!c.process().isAlive()) {
        throw new BenchException(c.name() + " exited; its last output:\n" + PgTools.tail(c.process().output()));
      }
    }
  }

  /** Stops the components (SIGTERM, then waits), keeping the servers. */
  void stopComponents() {
    List<Component> all = new ArrayList<>(appliers);
    if (producer != null) {
      all.add(producer);
    }
    all.forEach(c -> c.process().sigterm());
    for (Component c : all) {
      try {
        c.process().waitFor(Duration.ofSeconds(60));
      } catch (AssertionError e) {
        c.process().sigkill();
      }
    }
    appliers.clear();
    producer = null;
  }

  private <T extends AutoCloseable> T track(T resource) {
    return resources.track(resource);
  }

  @Override
  public void close() {
    resources.close();
  }
}

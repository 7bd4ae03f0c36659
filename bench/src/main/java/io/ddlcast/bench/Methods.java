package io.ddlcast.bench;

/** How each figure is measured: written under the table in docs/benchmarks.md. */
final class Methods {
  private Methods() {}

  static final String TEXT = """
      ## How the figures are measured

      Everything runs on this one machine: an embedded Kafka broker (KRaft, in its own JVM), local PostgreSQL
      clusters from the testkit, durable as in production (`fsync`, `synchronous_commit` and `full_page_writes`
      on, overriding the testkit's speed settings), and the producer and appliers as their own JVM processes
      started from their runnable jars with `-Xmx256m` and a GC log, as an operator starts them. The primary is
      configured with exactly the settings the producer requires (read from its `PrimarySettings`, what
      `producer check` judges), shown under Machine. On two or more CPUs the deployment's shape is pinned with
      `taskset` (all threads, and every process a server forks): the primary and the producer on CPU 0 (the
      primary host), the broker, the appliers, the standbys, the client programs (`pgbench`, `psql`, `pg_dump`) and
      the bench's own JVM on CPU 1. The producer runs with its default `--poll-interval` (200 ms). Each run gets
      fresh clusters and its own topic. Other processes of the machine are not pinned away: on a shared machine
      the load at start (under Machine) says how much else ran.

      - **Primary cost (`pgbench`).** One cluster, three setups switched with `ALTER SYSTEM` and a restart:
        *plain* (no ddlcast settings; the helper stays installed but `session_replication_role = replica` keeps its
        event triggers from firing), *settings + helper* (the producer's required settings, the helper firing),
        *+ producer* (the same with the producer running, on a new topic with `--from latest` each round). Rounds
        alternate the setups in rotated order (ABC, BCA, CAB, ...), at least 5 rounds; in each: a few seconds of
        TPC-B-like warm-up (not counted), `CHECKPOINT`, `pgbench -n -c 4 -j 2 -T 20` TPC-B-like, then select-only
        (`-S`), then (databases dropped, `CHECKPOINT`) `psql -f` of a 1,000-statement DDL script of the bulk
        workload over 2 databases. Losses and slowdowns are computed per round against the same round's baseline;
        the table gives their median and spread. TPS is pgbench's figure without connection time.
      - **Latency.** One JDBC connection to the primary sends 20 DDL statements a second on a fixed schedule (a
        rotation of `CREATE TABLE`, `CREATE INDEX`, `ALTER TABLE ADD COLUMN`, `COMMENT`, `CREATE VIEW`), each in
        auto-commit with the simple query protocol, as `psql -c` sends it. Commit time: the client's clock just
        after the statement returned. Applied time: the timestamp of the applier's `applied ID in DB` log line,
        written right after the statement and its marker committed on the standby (millisecond resolution: each
        latency is under-stated by less than 1 ms; both clocks are this machine's). Event ids are matched to
        statements through the topic. Percentiles are nearest-rank over both standbys' latencies of a run; the
        table gives the median run and the spread of runs. (JDBC clients on the extended protocol in auto-commit
        leave no completion record; their DDL is settled by asking the primary once per poll interval, which is not
        measured here.) Producer CPU: `utime + stime` of the producer over the run (from the first statement
        until both standbys applied the last), in percent of one core of the run's wall time.
      - **Bulk.** A deterministic script (seed fixed) of DDL across 4 databases: schemas, tables with identity keys,
        defaults, foreign keys and checks, indexes (multi-column, partial, unique, `INCLUDE`), added columns, check
        and unique constraints, views, PL/pgSQL functions, sequences, enum types, comments, dropped views; created
        databases first, then blocks of 50 statements per database round robin (`\\connect`). Baseline: `psql -f`
        of the script on a fresh cluster configured as the primary is (csvlog, ddlcast's helper), no pipeline. Then
        with the pipeline running, the same `psql -f` on the primary; the figure is the time from its start until
        both standbys converged, divided by the baseline. Convergence is polled every 100 ms once psql finished
        (one catalog-count query per standby and database on a kept connection), then confirmed, untimed, by the
        full comparison the tests use (`pg_dump --schema-only` of every database, `pg_dumpall --globals-only`).
      - **Rebuild.** After a bulk run, with the producer and the two appliers stopped: a fresh standby and an
        applier under a new standby name replay the whole topic (databases in parallel lanes, `--parallelism` 4);
        time from starting the applier process until the standby converged (same polling and confirmation).
        Compared with `psql -f` of the same script on a fresh cluster (serial), and with `pg_dump --schema-only |
        psql` of each of the primary's databases into a fresh cluster, one database after the other.
      - **Log reading.** A csvlog captured from a busy primary: `pgbench` (4 clients, TPC-B-like, every statement
        a `duration` record), a second `pgbench` connecting for every select-only transaction (connection and
        disconnection records), checkpoints and autovacuum logged, and one DDL every 100 ms of which one in ten
        fails: DDL is sparse. The producer's reading stack (`LogFollower` → `CsvlogParser` → `SessionTracker`,
        through `io.ddlcast.producer.OfflineReader`, single-threaded, no Kafka) reads the whole directory in its own
        JVM pinned to one core (`taskset -c 0`); the first pass warms the JIT and the page cache and is not counted.
        Each pass is followed, in the same JVM, by commons-csv alone (the library the producer's parser is built
        on, `CSVFormat.DEFAULT`, one buffered UTF-8 reader per file, no tracking) parsing the same files: the
        producer's reader is judged against it (MB/s over MB/s, pass by pass, target at least 0.8). `wc -l` reads
        the same files, pinned likewise, after a warm-up run.
      - **Standbys (scale).** A primary, N standbys (10; `--quick`: 3) and one applier per standby on one topic, started
        at once; after a warm-up DDL has reached every standby, `psql -f` of a 2,000-statement script of the bulk
        workload over 4 databases (`--quick`: 60 over 2). Figure: from the script's start until the last standby
        converged (fingerprint polling, then the full `pg_dump --schema-only` / `pg_dumpall --globals-only` comparison
        of every standby, which must pass). The broker's and each applier's peak RSS, live heap (after a forced
        collection) and CPU in percent of one core over that time; the table gives the appliers' median and spread, the
        list under it each applier.
      - **Backlog.** A primary, one standby and its applier; after a warm-up the standby is stopped (its applier keeps
        running and retries), the bulk workload's script of 50,000 statements over 4 databases (`--quick`: 150 over 2)
        runs on the primary, and once the producer has published all of them the standby is started again. Figure: from
        the standby's start until it converged (same polling and full comparison), as events per second; it includes the
        applier's retry backoff (at most 30 s) before its first attempt succeeds. Beside it, `psql -f` of the same
        script on a fresh cluster, serially.
      - **Footprint.** Of the producer and the appliers during each latency and bulk run. Peak RSS: `VmHWM` of
        `/proc/PID/status` (the kernel's high-water mark since the process started). Heap: from the process's own
        GC log (`-Xlog:gc`, 1 MB resolution): *live heap* is the most left after any collection, including one
        forced at the end of the run (`jcmd PID GC.run`), and is what the targets are judged on; *peak heap in use*
        is the most seen before any collection, which mostly shows how far G1 lets the young generation grow under
        the 256 MB ceiling. CPU: `utime + stime` of `/proc/PID/stat` over the run, divided by the csvlog records the
        primary wrote meanwhile (counted with the producer's parser).
      - **JMH.** The CPU-bound single components, in `bench/src/main/java/io/ddlcast/bench/jmh`: `CsvlogParser`
        on 4 MB chunks of the captured log, `SqlLexer.split` and `StatementParts` on a 200-statement string of the
        bulk workload. The bench runs them short (1 fork, 3 × 1 s warm-up, 5 × 1 s measurement); the spread is the
        slowest and fastest iteration. Run them on their own, longer:

        ```
        java -cp bench/target/ddlcast-bench.jar org.openjdk.jmh.Main StatementSplitterBenchmark
        java -cp bench/target/ddlcast-bench.jar org.openjdk.jmh.Main CsvlogParserBenchmark \
      -p csvlog=/path/to/postgresql.csv
        ```

      Process output (producer, appliers, GC logs, the generated script, the captured csvlog) is kept under
      `bench/target/bench-logs/<date-time>/`.
      """;
}

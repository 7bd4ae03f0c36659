package io.ddlcast.bench;

/** How each figure is measured: written under the table in docs/benchmarks.md. */
final class Methods {
  private Methods() {}

  static final String TEXT = """
      ## How the figures are measured

      Everything runs on this one machine: an embedded Kafka broker (KRaft, in the bench's JVM), local PostgreSQL
      clusters from the testkit (fsync off, as in the tests), and the producer and appliers as their own JVM
      processes started from their runnable jars with `-Xmx256m` and a GC log, as an operator starts them. The
      producer runs with its default `--poll-interval` (200 ms): it sleeps that long whenever the log has nothing
      new, which bounds the latency from below. Each run gets fresh clusters and its own topic.

      - **Latency.** One JDBC connection to the primary sends 20 DDL statements a second on a fixed schedule (a
        rotation of `CREATE TABLE`, `CREATE INDEX`, `ALTER TABLE ADD COLUMN`, `COMMENT`, `CREATE VIEW`), each in
        auto-commit with the simple query protocol, as `psql -c` sends it. Commit time: the client's clock just
        after the statement returned. Applied time: the timestamp of the applier's `applied ID in DB` log line,
        written right after the statement and its marker committed on the standby (millisecond resolution: each
        latency is under-stated by less than 1 ms; both clocks are this machine's). Event ids are matched to
        statements through the topic. Percentiles are nearest-rank over both standbys' latencies of a run; the
        table gives the median run and the spread of runs. (JDBC clients on the extended protocol in auto-commit
        leave no completion record; their DDL is settled by asking the primary once per poll interval, which is not
        measured here.)
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
        `wc -l` reads the same files, pinned likewise, after a warm-up run.
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

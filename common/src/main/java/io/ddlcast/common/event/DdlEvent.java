package io.ddlcast.common.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One DDL statement that took effect on the primary, as it travels through the topic.
 *
 * <p>Wire format (JSON, one object per Kafka record, record key = {@link #key}):
 *
 * <pre>{@code
 * {"schema":1,
 *  "id":"6742f0a1.2b4c:17",            // session_id:session_line_num of the statement's log record
 *  "source":"7312345678901234567",     // which primary (its system identifier, or --source)
 *  "database":"company",               // database the statement ran in on the primary
 *  "key":"company",                    // ordering key: the database the DDL belongs to
 *  "scope":"DATABASE",                 // DATABASE | CLUSTER (run from the maintenance database)
 *  "user":"postgres",                  // login role of the session (the csvlog's user_name)
 *  "context":{"role":"app_owner","sessionRole":"alice","searchPath":"sales, public",
 *             "settings":{"TimeZone":"Europe/Berlin"}},  // optional, see ExecutionContext
 *  "command":"CREATE FOREIGN TABLE",
 *  "statement":"CREATE FOREIGN TABLE employee (...)",
 *  "logTime":"2026-11-23T18:39:15.123Z",
 *  "position":{"file":"postgresql-2026-11-23_183900.csv","offset":48213,"session":"6742f0a1.2b4c","line":17},
 *  "schemas":["sales"],                // optional: the schemas the DDL touches (absent: none or unknown)
 *  "sealed":"AQ...",                   // optional: the statement with its secrets, sealed (schema 2)
 *  "generation":2}                     // optional: the source's generation that published it (absent: 1)
 * }</pre>
 *
 * <p>{@code key} differs from {@code database} for statements about a database itself: {@code CREATE DATABASE x}
 * run while connected to {@code postgres} has database {@code postgres}, key {@code x} and scope CLUSTER, so that
 * it is ordered with x's own DDL. Scope CLUSTER marks statements on cluster-wide objects (roles, role membership,
 * databases, tablespaces): appliers run them from the maintenance database, after every earlier event of the
 * partition and before every later one. {@code context} is null when unknown (then the applier's own role and
 * search_path apply). Readers reject events whose schema version is newer than {@link #SEALED_SCHEMA_VERSION}.
 *
 * <p>{@code schemas} (added within schema version 1: older events lack it, older readers ignore it) names the
 * schemas whose objects the statement creates, changes or drops, as the catalog stores them; empty for statements
 * on objects outside schemas (roles, databases, tablespaces, extensions, foreign servers, ...) and when the producer
 * could not tell. It serves filters ({@link EventFilter}); it does not change how the statement runs.
 *
 * <p>{@code context.settings} (added within schema version 1 too) holds the {@link SessionSetting}s that were not
 * at their built-in value; absent, the settings are unknown (older events, older helpers), and older readers ignore
 * it. A name outside {@link SessionSetting} makes the event invalid.
 *
 * <p>{@code sealed} (schema version 2) is the whole statement, sealed with the appliers' secrets key because it holds
 * a secret literal (a password option, a role's verifier); {@code statement} is then that statement masked
 * ({@code Secrets.mask}), for everything that logs, prints, filters or dead-letters it. Only the applier's executor
 * opens it ({@code io.ddlcast.common.seal.SealedStatement}).
 *
 * <p>{@code generation} (added within schema version 1: older readers ignore it) is the generation of the topic's
 * source that published the event ({@code io.ddlcast.common.generation.Generation}): an applier applies it only if
 * that generation was current at the event's offset. Events written before generations existed lack it and belong to
 * generation 1, as does every event the producer of a topic's first primary publishes.
 */
public record DdlEvent(
    int schema,
    String id,
    String source,
    String database,
    String key,
    Scope scope,
    String user,
    ExecutionContext context,
    String command,
    String statement,
    Instant logTime,
    LogPosition position,
    List<String> schemas,
    String sealed,
    int generation) {

  /** The schema version this build writes for an event without {@code sealed}. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * The schema version of an event with {@code sealed}, and the newest this build reads: a reader of version 1
   * would run the masked statement, so it must refuse the event instead.
   */
  public static final int SEALED_SCHEMA_VERSION = 2;

  /**
   * The longest statement an event carries, in characters: ddlcast's one size limit (a 10 MB function body or
   * comment replicates). The producer never publishes or checkpoints a longer one (it reports it, with its position,
   * as not replicated); written as JSON, where a character takes at most 6 bytes ({@code \u0001}), an event at the
   * limit still fits in a Kafka record of {@link #MAX_RECORD_BYTES}, and every reader ({@link EventCodec}) accepts
   * strings of this length.
   */
  public static final int MAX_STATEMENT_CHARS = 11_000_000;

  /** The largest record ddlcast writes (events, checkpoints) and the topics it creates accept. */
  public static final int MAX_RECORD_BYTES = 64 << 20;

  public DdlEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(position, "position");
    schemas = schemas == null ? List.of() : List.copyOf(schemas);
    if (generation < 1) {
      throw new IllegalArgumentException("generation " + generation + " is not a generation (they start at 1)");
    }
  }

  /** An event of the first generation. */
  public DdlEvent(int schema, String id, String source, String database, String key, Scope scope, String user,
      ExecutionContext context, String command, String statement, Instant logTime, LogPosition position,
      List<String> schemas, String sealed) {
    this(schema, id, source, database, key, scope, user, context, command, statement, logTime, position, schemas,
        sealed, 1);
  }

  /** An event whose statement holds no sealed secret. */
  public DdlEvent(int schema, String id, String source, String database, String key, Scope scope, String user,
      ExecutionContext context, String command, String statement, Instant logTime, LogPosition position,
      List<String> schemas) {
    this(schema, id, source, database, key, scope, user, context, command, statement, logTime, position, schemas,
        null);
  }

  /** An event without schema information. */
  public DdlEvent(int schema, String id, String source, String database, String key, Scope scope, String user,
      ExecutionContext context, String command, String statement, Instant logTime, LogPosition position) {
    this(schema, id, source, database, key, scope, user, context, command, statement, logTime, position, List.of());
  }

  /**
   * The same event with another statement and context (the producer completes what the log could not give). A
   * sealed statement stays as it was: an applier then finds that it no longer masks to the statement, and refuses.
   */
  public DdlEvent withStatement(String newStatement, ExecutionContext newContext) {
    return new DdlEvent(schema, id, source, database, key, scope, user, newContext, command, newStatement, logTime,
        position, schemas, sealed, generation);
  }

  /** The same event shipping {@code masked} as its statement and the full statement sealed (see SealedStatement). */
  public DdlEvent withSealed(String masked, String newSealed) {
    return new DdlEvent(Math.max(schema, SEALED_SCHEMA_VERSION), id, source, database, key, scope, user, context,
        command, masked, logTime, position, schemas, newSealed, generation);
  }

  /** The same event, published by generation {@code newGeneration} of the topic's source. */
  public DdlEvent inGeneration(int newGeneration) {
    return newGeneration == generation ? this : new DdlEvent(schema, id, source, database, key, scope, user, context,
        command, statement, logTime, position, schemas, sealed, newGeneration);
  }

  /** The id of the event for the log record at this position (part of nothing larger). */
  public static String idOf(LogPosition position) {
    return position.session() + ":" + position.line();
  }
}

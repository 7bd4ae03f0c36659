package io.ddlcast.producer.settle;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.LogPosition;
import io.ddlcast.common.event.Scope;
import io.ddlcast.common.seal.SealedStatement;
import io.ddlcast.common.seal.SecretsKey;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.capture.RolePasswords;
import io.ddlcast.producer.capture.SecretLiterals;
import io.ddlcast.producer.csvlog.Csvlog;
import io.ddlcast.producer.csvlog.CsvlogParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A statement with a secret literal leaves the capture stage sealed (with --secrets-key) or excluded (without):
 * neither the checkpoint that holds it while it waits nor the published event carries the secret, and after a
 * restart from that checkpoint it is published exactly as it would have been.
 */
class SealedSecretsTest {
  private static final String MAPPING =
      "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'MapSecret-1')";
  private final SecretsKey key = SecretsKey.generate();

  private static SessionTracker tracker(SecretsKey key) {
    return new SessionTracker(new EventFactory("primary1", new SecretLiterals(key)), false, HelperTrust.NONE);
  }

  private static List<Outcome> feed(SessionTracker tracker, String csv) {
    byte[] bytes = Csvlog.utf8(csv);
    List<Outcome> out = new ArrayList<>();
    CsvlogParser.parse("f.csv", 0, bytes, bytes.length).records().forEach(r -> out.addAll(tracker.accept(r)));
    return out;
  }

  private static String statement(String sql) {
    return Csvlog.record("s.1", 1, "3/4", "LOG", "00000", "idle", "statement: " + sql, "");
  }

  private static String completion() {
    return Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "CREATE USER MAPPING", "duration: 0.3 ms", "");
  }

  @Test
  void withAKeyTheWaitingStatementIsCheckpointedSealedAndPublishedSealedAfterARestart() throws Exception {
    SessionTracker before = tracker(key);
    assertThat(feed(before, statement(MAPPING))).isEmpty();
    String checkpoint = before.snapshot().json().toString();
    assertThat(checkpoint).doesNotContain("MapSecret-1").contains("password '********'");

    SessionTracker after = tracker(key); // the producer restarted from that checkpoint
    after.restore(TrackerState.fromJson(EventCodec.mapper().readTree(checkpoint)));
    List<Outcome> outcomes = feed(after, completion());
    assertThat(outcomes).singleElement().isInstanceOf(Outcome.Publish.class);
    DdlEvent published = outcomes.get(0).event();
    assertThat(EventCodec.toJson(published)).doesNotContain("MapSecret-1");
    assertThat(SealedStatement.open(published, key)).isEqualTo(MAPPING);
  }

  @Test
  void withoutAKeyItIsNotPublishedAndSaysWhichOptionFixesIt() {
    SessionTracker tracker = tracker(null);
    assertThat(feed(tracker, statement(MAPPING))).isEmpty();
    assertThat(tracker.snapshot().json().toString()).doesNotContain("MapSecret-1");
    List<Outcome> outcomes = feed(tracker, completion());
    assertThat(outcomes).singleElement().isInstanceOfSatisfying(Outcome.Drop.class, d -> {
      assertThat(d.kind()).isEqualTo(DropKind.UNSEALED);
      assertThat(d.reason()).contains("--secrets-key");
    });
  }

  @Test
  void aStatementWithoutASecretIsPublishedAsItWas() {
    SessionTracker tracker = tracker(key);
    List<Outcome> outcomes = feed(tracker, statement("CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw "
        + "OPTIONS (host 'h')") + completion());
    assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.event().sealed()).isNull());
  }

  @Test
  void aRolePasswordWaitsForItsVerifierUnsealedThenIsSealedOnceComplete() {
    SecretLiterals secrets = new SecretLiterals(key);
    SessionTracker tracker = tracker(key);
    List<Outcome> outcomes = feed(tracker, statement("CREATE ROLE r LOGIN PASSWORD 'RoleSecret-2'")
        + Csvlog.record("s.1", 2, "3/0", "LOG", "00000", "CREATE ROLE", "duration: 0.3 ms", ""));
    DdlEvent captured = outcomes.get(0).event();
    assertThat(captured.sealed()).isNull();
    assertThat(captured.statement()).contains(RolePasswords.PLACEHOLDER).doesNotContain("RoleSecret-2");
    DdlEvent completed = secrets.completed(captured.withStatement(
        RolePasswords.withVerifier(captured.statement(), "md5" + "0".repeat(32)), captured.context()));
    assertThat(EventCodec.toJson(completed)).doesNotContain("md5000");
    assertThat(secrets.md5Role(completed)).isEqualTo("r");
  }

  @Test
  void whatCountsAsAClearSecret() {
    SecretLiterals none = SecretLiterals.withoutKey();
    assertThat(none.exclusion(event("CREATE ROLE r PASSWORD 'SCRAM-SHA-256$4096:abc$def:ghi'"))).isNull();
    assertThat(none.exclusion(event("ALTER ROLE r PASSWORD " + RolePasswords.PLACEHOLDER))).isNull();
    assertThat(none.exclusion(event("ALTER ROLE r SET app.conn = 'host=h password=RoleGuc-3'"))).isNotNull();
    assertThat(none.exclusion(event("ALTER SERVER s OPTIONS (SET api_key 'k')"))).isNotNull();
    assertThat(none.exclusion(event("CREATE TABLE t (password text)"))).isNull();
    // a role's placeholder cannot be completed inside a sealed statement: refused with a key
    assertThat(new SecretLiterals(key).exclusion(event("ALTER ROLE r PASSWORD " + RolePasswords.PLACEHOLDER
        + " /* token 'x' */")).kind()).isEqualTo(DropKind.REFUSED);
  }

  private static DdlEvent event(String statement) {
    return new DdlEvent(1, "s:1", "p", "postgres", "postgres", Scope.CLUSTER, "postgres",
        null, "ALTER ROLE", statement, null, new LogPosition("f", 0, "s", 1));
  }
}

package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.FreePorts;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drift alarm on real servers: with fingerprints every 2 s, a standby that matches stays silent; changes made
 * by hand on it in two databases, and a role the primary made inside a DO block (which ddlcast cannot see), are each
 * reported at the next fingerprint of the database they affect (a DRIFT line naming the object, status, the
 * {@code ddlcast_applier_drift} gauge), without stopping the stream; once the standby is put right, the next
 * fingerprint clears it.
 */
class DriftIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void driftIsReportedAtTheNextFingerprintOfEachAffectedDatabaseAndClearedWhenPutRight() throws Exception {
    pipeline = new Pipeline("DriftIT", "standby1");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby = pipeline.standby("standby1");
    pipeline.installHelper();
    pipeline.startProducer("--fingerprint-interval", "2s");
    int port = FreePorts.pick();
    JavaProcess applier = pipeline.startApplier("standby1", "--metrics-port", Integer.toString(port));
    primary.execute("postgres", "CREATE DATABASE shop", "CREATE DATABASE hr");
    primary.execute("shop", "CREATE TABLE orders (id int, note text)", "CREATE INDEX orders_idx ON orders (id)");
    primary.execute("hr", "CREATE FUNCTION pay() RETURNS int LANGUAGE sql AS 'SELECT 1'");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    Await.until("a fingerprint of shop compared", CONVERGE,
        () -> metrics(port).contains("ddlcast_applier_drift{database=\"shop\",standby=\"standby1\"} 0.0"));
    assertThat(applier.output()).doesNotContain("DRIFT");

    standby.execute("shop", "ALTER TABLE orders ADD COLUMN by_hand int", "DROP INDEX orders_idx");
    standby.execute("hr", "CREATE OR REPLACE FUNCTION pay() RETURNS int LANGUAGE sql AS 'SELECT 2'");
    primary.execute("postgres", "DO $$ BEGIN CREATE ROLE made_in_do; END $$");
    Await.until("drift in shop, hr and postgres", CONVERGE, () -> {
      String out = pipeline.applierOutput("standby1");
      return out.contains("DRIFT: database shop") && out.contains("DRIFT: database hr")
          && out.contains("DRIFT: database postgres");
    });
    String out = pipeline.applierOutput("standby1");
    assertThat(out).contains("extra column public.orders.by_hand", "missing index public.orders_idx",
        "changed function public.pay()", "missing role made_in_do");
    String body = metrics(port);
    assertThat(body).contains("ddlcast_applier_drift{database=\"shop\",standby=\"standby1\"} 2.0",
        "ddlcast_applier_drift{database=\"hr\",standby=\"standby1\"} 1.0");
    Pipeline.CommandRun status = pipeline.applierCommand("status");
    assertThat(status.output()).contains("DRIFT in database shop", "DRIFT in database hr");

    primary.execute("shop", "CREATE TABLE after_drift (id int)"); // the stream goes on
    Await.until("after_drift on the standby", CONVERGE,
        () -> standby.query("shop", "SELECT count(*) FROM pg_class WHERE relname = 'after_drift'").contains("1"));
    standby.execute("shop", "ALTER TABLE orders DROP COLUMN by_hand", "CREATE INDEX orders_idx ON orders (id)");
    Await.until("shop's drift cleared", CONVERGE,
        () -> metrics(port).contains("ddlcast_applier_drift{database=\"shop\",standby=\"standby1\"} 0.0"));
    assertThat(standby.serverLogErrors()).isEmpty();
  }

  private String metrics(int port) {
    try {
      HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return reply.body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}

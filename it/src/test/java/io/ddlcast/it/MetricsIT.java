package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.Await;
import io.ddlcast.testkit.FreePorts;
import io.ddlcast.testkit.JavaProcess;
import io.ddlcast.testkit.PostgresServer;
import io.ddlcast.testkit.SchemaSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The producer and the applier serve their metrics and health over HTTP, scraped here as Prometheus would: the
 * counters follow the DDL that ran, and the applier's lag rises while its standby is down and falls back to zero
 * once the standby is back and caught up.
 */
class MetricsIT {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String STANDBY = "{standby=\"standby1\"}";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Pipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void lagRisesWhileTheStandbyIsDownAndFallsAfterItCatchesUp() throws Exception {
    pipeline = new Pipeline("MetricsIT", "standby1");
    PostgresServer primary = pipeline.primary;
    PostgresServer standby = pipeline.standby("standby1");
    int producerPort = FreePorts.pick();
    int applierPort = FreePorts.pick();
    pipeline.startProducer("--metrics-port", Integer.toString(producerPort));
    JavaProcess applier = pipeline.startApplier("standby1", "--metrics-port", Integer.toString(applierPort));
    Await.until("the producer's /health to answer 200", CONVERGE, () -> status(producerPort, "/health") == 200);
    Await.until("the applier's /health to answer 200", CONVERGE, () -> status(applierPort, "/health") == 200);
    assertThat(get(applierPort, "/health").body()).isEqualTo(
        "{\"status\":\"UP\",\"service\":\"applier\",\"standby\":\"standby1\"}");

    primary.execute("postgres", "CREATE DATABASE app");
    primary.execute("app", "CREATE TABLE before_outage (id int)");
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    int before = pipeline.topicEvents().size();
    assertThat(before).isEqualTo(2);

    String producer = Await.untilValue("the producer to count what it published", CONVERGE, () -> {
      String body = metrics(producerPort);
      return value(body, "ddlcast_producer_events_published_total") >= before ? body : null;
    });
    System.out.println("producer metrics after the first DDL:\n" + grep(producer, "ddlcast_producer_"));
    assertThat(value(producer, "ddlcast_producer_events_published_total")).isEqualTo(before);
    assertThat(value(producer, "ddlcast_producer_records_read_total")).isGreaterThanOrEqualTo(before);
    assertThat(value(producer, "ddlcast_producer_csvlog_read_bytes_total")).isGreaterThan(0);
    assertThat(value(producer, "ddlcast_producer_lag_bytes")).isGreaterThanOrEqualTo(0);
    assertThat(value(producer, "ddlcast_producer_last_record_time_seconds"))
        .isGreaterThan(System.currentTimeMillis() / 1000.0 - 600);

    String caughtUp = Await.untilValue("the applier to count what it applied", CONVERGE, () -> {
      String body = metrics(applierPort);
      return value(body, "ddlcast_applier_events_applied_total" + STANDBY) >= before
          && value(body, "ddlcast_applier_lag_events" + STANDBY) == 0 ? body : null;
    });
    assertThat(value(caughtUp, "ddlcast_applier_events_applied_total" + STANDBY)).isEqualTo(before);
    assertThat(value(caughtUp, "ddlcast_applier_apply_latency_seconds_count" + STANDBY)).isEqualTo(before);
    assertThat(value(caughtUp, "ddlcast_applier_lag_seconds" + STANDBY)).isZero();
    assertThat(caughtUp).contains("ddlcast_applier_apply_latency_seconds_bucket{standby=\"standby1\",le=\"");

    standby.stop();
    primary.execute("app", "CREATE TABLE during_outage (id int)", "CREATE INDEX ON during_outage (id)");
    primary.execute("postgres", "CREATE DATABASE created_during_outage");
    int during = pipeline.awaitEvents(before + 3, CONVERGE).size() - before;
    assertThat(during).isEqualTo(3);

    // Two events of database app (one retried, one queued behind it) and the CREATE DATABASE held behind them.
    String down = Await.untilValue("the applier's lag in events to count what the standby lacks", CONVERGE, () -> {
      String body = metrics(applierPort);
      return value(body, "ddlcast_applier_lag_events" + STANDBY) == during ? body : null;
    });
    double firstLag = value(down, "ddlcast_applier_lag_seconds" + STANDBY);
    Thread.sleep(1500);
    String later = metrics(applierPort);
    double secondLag = value(later, "ddlcast_applier_lag_seconds" + STANDBY);
    System.out.printf("standby down: lag_events %s, lag_seconds %s then %s%n",
        value(later, "ddlcast_applier_lag_events" + STANDBY), firstLag, secondLag);
    assertThat(firstLag).isGreaterThan(0);
    assertThat(secondLag).isGreaterThanOrEqualTo(firstLag + 1.0);
    assertThat(value(later, "ddlcast_applier_lag_events" + STANDBY)).isEqualTo(during);
    assertThat(value(later, "ddlcast_applier_errors_total{kind=\"retriable\",standby=\"standby1\",target=\"standby\"}"))
        .isGreaterThan(0);
    assertThat(value(later, "ddlcast_applier_events_applied_total" + STANDBY)).isEqualTo(before);
    assertThat(status(applierPort, "/health")).isEqualTo(200); // the applier works; the lag tells the standby is down

    standby.start();
    SchemaSnapshot.awaitConverged(CONVERGE, primary, standby);
    String after = Await.untilValue("the applier's lag to fall back to zero", CONVERGE, () -> {
      String body = metrics(applierPort);
      return value(body, "ddlcast_applier_lag_events" + STANDBY) == 0
          && value(body, "ddlcast_applier_lag_seconds" + STANDBY) == 0 ? body : null;
    });
    System.out.println("applier metrics after the standby caught up:\n" + grep(after, "ddlcast_applier_")
        .lines().filter(l -> !l.contains("_bucket{")).reduce("", (a, b) -> a + b + "\n"));
    assertThat(value(after, "ddlcast_applier_events_applied_total" + STANDBY)).isEqualTo(before + during);
    assertThat(value(after, "ddlcast_applier_apply_latency_seconds_count" + STANDBY)).isEqualTo(before + during);
    assertThat(value(after, "ddlcast_applier_events_failed_total" + STANDBY)).isZero();
    assertThat(value(metrics(producerPort), "ddlcast_producer_events_published_total")).isEqualTo(before + during);
    assertThat(status(producerPort, "/health")).isEqualTo(200);
    assertThat(status(applierPort, "/health")).isEqualTo(200);
    assertThat(applier.isAlive()).isTrue();
  }

  private HttpResponse<String> get(int port, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The status of a GET, or -1 while nothing answers on the port. */
  private int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (UncheckedIOException e) {
      return -1;
    }
  }

  private String metrics(int port) {
    HttpResponse<String> reply = get(port, "/metrics");
    assertThat(reply.statusCode()).as("GET /metrics on port %d", port).isEqualTo(200);
    return reply.body();
  }

  /** The value of one series (name and labels exactly as exposed); fails if the scrape does not have it. */
  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (!line.startsWith("#") && space > 0 && line.substring(0, space).equals(series)) {
        return Double.parseDouble(line.substring(space + 1));
      }
    }
    throw new AssertionError("no series " + series + " in the scrape:\n" + scrape);
  }

  private static String grep(String scrape, String prefix) {
    StringBuilder out = new StringBuilder();
    scrape.lines().filter(l -> l.startsWith(prefix)).forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }
}

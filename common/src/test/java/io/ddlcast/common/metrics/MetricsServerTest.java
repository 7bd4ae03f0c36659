package io.ddlcast.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean ready = new AtomicBoolean();
  private MetricsServer server;

  @BeforeEach
  void start() throws IOException {
    server = MetricsServer.start("127.0.0.1", 0, registry,
        () -> Health.of(ready.get(), Map.of("service", "test", "standby", "s1")));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAreServedInPrometheusTextFormatAndReadLiveValues() throws Exception {
    Counter counter = Counter.builder("ddlcast_test_events").tag("standby", "s1").register(registry);
    counter.increment(3);

    HttpResponse<String> first = get("/metrics");
    assertThat(server.port()).isPositive();
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValue(MetricsServer.PROMETHEUS_TEXT);
    assertThat(first.body()).contains("# TYPE ddlcast_test_events_total counter")
        .contains("ddlcast_test_events_total{standby=\"s1\"} 3.0");

    counter.increment();
    assertThat(get("/metrics").body()).contains("ddlcast_test_events_total{standby=\"s1\"} 4.0");
  }

  @Test
  void healthIs503UntilReadyThen200() throws Exception {
    HttpResponse<String> down = get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"service\":\"test\",\"standby\":\"s1\"}");

    ready.set(true);
    HttpResponse<String> up = get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(up.body()).isEqualTo("{\"status\":\"UP\",\"service\":\"test\",\"standby\":\"s1\"}");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/metricsx").statusCode()).isEqualTo(404);
    assertThat(get("/health/deep").statusCode()).isEqualTo(404);
    HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void aFailingHealthCheckIs500NotAHang() throws Exception {
    server.close();
    server = MetricsServer.start("127.0.0.1", 0, registry, () -> {
      throw new IllegalStateException("boom");
    });
    HttpResponse<String> reply = get("/health");
    assertThat(reply.statusCode()).isEqualTo(500);
    assertThat(reply.body()).contains("boom");
  }

  @Test
  void aPortInUseIsAnIOExceptionAndClosingFreesThePort() throws Exception {
    int port = server.port();
    assertThatThrownBy(() -> MetricsServer.start("127.0.0.1", port, registry, () -> Health.of(true, Map.of())))
        .isInstanceOf(IOException.class);
    server.close();
    server = MetricsServer.start("127.0.0.1", port, registry, () -> Health.of(true, Map.of()));
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }
}

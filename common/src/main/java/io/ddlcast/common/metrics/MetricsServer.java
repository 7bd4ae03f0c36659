package io.ddlcast.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a service's Prometheus metrics at {@code GET /metrics} and its readiness at {@code GET /health} (200 with
 * {@code {"status":"UP",...}} when ready, 503 with {@code "DOWN"} otherwise), over the JDK's own HTTP server: two
 * read-only endpoints need no web framework, and the producer and applier serve them the same way.
 *
 * <p>One daemon thread answers requests, so a slow scraper never competes with the pipeline for more than that.
 * Anything else is 404; methods other than GET and HEAD are 405.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * The server a service's {@code --metrics-port} asks for, on all interfaces, or null without the option. A port that
   * cannot be bound is a configuration error (exit code 2): the service does not start.
   */
  public static MetricsServer forOption(Integer port, PrometheusMeterRegistry registry, Supplier<Health> health) {
    if (port == null) {
      return null;
    }
    try {
      return start("0.0.0.0", port, registry, health);
    } catch (IOException e) {
      throw new DdlcastException(ExitCode.USAGE,
          "cannot serve metrics on --metrics-port " + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Binds {@code host:port} (port 0: any free port, see {@link #port()}) and starts answering.
   *
   * @throws IOException when the address cannot be bound (port in use, unknown host)
   */
  public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ddlcast-metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> answer(exchange, "/metrics",
        () -> new Reply(200, PROMETHEUS_TEXT, registry.scrape())));
    server.createContext("/health", exchange -> answer(exchange, "/health", () -> {
      Health h = health.get();
      return new Reply(h.up() ? 200 : 503, "application/json", h.toJson());
    }));
    server.createContext("/", exchange -> answer(exchange, "/", () -> new Reply(404, "text/plain; charset=utf-8",
        "not found: try /metrics or /health\n")));
    server.start();
    MetricsServer started = new MetricsServer(server, executor);
    LOG.info("serving metrics at http://{}:{}/metrics and health at /health", host, started.port());
    return started;
  }

  /** The port bound (the one asked for, or the one chosen for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private record Reply(int status, String contentType, String body) {}

  private static void answer(HttpExchange exchange, String path, Supplier<Reply> handler) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Reply reply;
      if (!exchange.getRequestURI().getPath().equals(path) && !path.equals("/")) {
        reply = new Reply(404, "text/plain; charset=utf-8", "not found: try /metrics or /health\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply = new Reply(405, "text/plain; charset=utf-8", "method not allowed: use GET\n");
      } else {
        try {
          reply = handler.get();
        } catch (RuntimeException e) {
          LOG.warn("answering {} failed: {}", path, e.toString());
          reply = new Reply(500, "text/plain; charset=utf-8", "error: " + e + "\n");
        }
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(reply.status(), -1);
      } else {
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** Stops answering at once (a scrape in progress is cut off) and frees the port. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

package io.ddlcast.common.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ddlcast.common.event.EventCodec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code /health} answers: whether the service is ready to do its work, and a few facts that say which service
 * it is. A separate type so that each service states its readiness once and the HTTP side only renders it.
 *
 * <p>JSON: {@code {"status":"UP","service":"applier","standby":"standby1"}}; {@code "DOWN"} while not ready (the
 * server answers 503 then).
 */
public record Health(boolean up, Map<String, Object> details) {
  public Health {
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public static Health of(boolean up, Map<String, Object> details) {
    return new Health(up, details);
  }

  /** The answer's body: status first, then the details in a stable (sorted) order. */
  public String toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    new TreeMap<>(details).forEach(body::put);
    try {
      return EventCodec.mapper().writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render health details " + details, e);
    }
  }
}

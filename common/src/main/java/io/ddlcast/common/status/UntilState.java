package io.ddlcast.common.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an applier run with {@code --until} stands, as its heartbeat says it: the point as given ({@code event
 * 6742f0a1.2b4c:17}, or a time), whether the standby reached it (then the applier stopped there), and, once reached,
 * the last event applied before it ({@code at}, null when the point came before any event of this run).
 *
 * <pre>{@code {"point":"2026-12-02T10:15:30Z","reached":true,"at":"6742f0a1.2b4c:17"}}</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UntilState(String point, boolean reached, String at) {
  /** What status shows: {@code stopped at --until POINT} or {@code --until POINT not reached yet}. */
  public String describe() {
    return reached ? "stopped at --until " + point : "--until " + point + " not reached yet";
  }
}

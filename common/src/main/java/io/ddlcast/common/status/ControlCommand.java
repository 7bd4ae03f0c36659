package io.ddlcast.common.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An operator's command to one standby's applier, published to {@code <topic>.control} keyed by standby. A running
 * applier acts on it at once; one started later still honours a {@code SKIP} (it reads the whole control topic when it
 * starts), while a {@code RETRY} is implied by any start.
 *
 * <pre>{@code
 * {"type":"SKIP","standby":"s1","eventId":"6742f0a1.2b4c:17","at":"2026-11-23T18:40:00Z","by":"alice@dbhost"}
 * {"type":"RETRY","standby":"s1","database":"company","at":"2026-11-23T18:40:00Z","by":"alice@dbhost"}
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlCommand(Type type, String standby, String database, String eventId, Instant at, String by) {
  public enum Type {
    /** Run the failed event again (after the operator fixed the standby); {@code database} null means all. */
    RETRY,
    /** Do not run this event on this standby; the stream goes on after it. */
    SKIP
  }
}

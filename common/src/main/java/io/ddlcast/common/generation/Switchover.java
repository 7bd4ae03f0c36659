package io.ddlcast.common.generation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The two records of a planned switchover on {@code <topic>.generations}: the operator's request to the producer of
 * the current generation ({@code request/N}: drain, then stop), and that producer's answer once everything its
 * primary committed up to a log barrier written after the request was published ({@code drained/N}, with the end
 * offsets of the events topic after its last transaction). The nonce ties the answer to the request.
 *
 * <pre>{@code
 * {"generation":1,"to":"standby2","nonce":"3f1c...","at":"2026-12-02T02:10:00Z","by":"alice@dbhost"}
 * {"generation":1,"nonce":"3f1c...","source":"7312...","end":{"0":118,"1":97},"at":"2026-12-02T02:10:01Z",
 *  "published":5120}
 * }</pre>
 */
public final class Switchover {
  private Switchover() {}

  /** Drain generation {@code generation} for a switchover to standby {@code to}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Request(int generation, String to, String nonce, Instant at, String by) {
    public Request {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(nonce, "nonce");
    }

    public String key() {
      return "request/" + generation;
    }
  }

  /** The producer of {@code generation} published everything up to its barrier and stopped. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Drained(int generation, String nonce, String source, Map<Integer, Long> end, Instant at,
      long published) {
    public Drained {
      Objects.requireNonNull(nonce, "nonce");
      end = end == null ? Map.of() : Map.copyOf(end);
    }

    public String key() {
      return "drained/" + generation;
    }
  }
}

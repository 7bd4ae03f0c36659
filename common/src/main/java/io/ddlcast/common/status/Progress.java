package io.ddlcast.common.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How far a standby that is behind has come, as its applier's heartbeat says it ({@code pg_basebackup -P}'s
 * figures): records of the topic done of those to do in this catch-up, the average rate, and the time left at that
 * rate (null while no rate is known).
 *
 * <pre>{@code {"applied":1200,"toApply":5000,"eventsPerSecond":118.5,"secondsLeft":33}}</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Progress(long applied, long toApply, double eventsPerSecond, Long secondsLeft) {}

package io.ddlcast.common.event;

/**
 * Where an event's statement must run on a standby.
 *
 * <p>{@link #DATABASE}: connected to the event's database, as on the primary. {@link #CLUSTER}: from the standby's
 * maintenance database, because the statement acts on a database as a whole ({@code CREATE/ALTER/DROP DATABASE})
 * and must not (or cannot) be connected to it.
 */
public enum Scope {
  DATABASE,
  CLUSTER
}

package io.ddlcast.testkit;

/** What {@code psql -c} printed and how it exited; exit code 0 means every statement of the string succeeded. */
public record PsqlResult(int exitCode, String output) {}

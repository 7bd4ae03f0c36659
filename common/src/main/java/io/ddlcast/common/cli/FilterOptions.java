package io.ddlcast.common.cli;

import io.ddlcast.common.event.EventFilter;
import picocli.CommandLine.Option;

/**
 * The filter options of {@code producer run}, {@code producer scan} and {@code applier run} (see
 * {@link EventFilter}); like every option, also {@code DDLCAST_EXCLUDE_SCHEMAS} in the environment and
 * {@code exclude.schemas} in the {@code --config} file.
 */
public final class FilterOptions {
  @Option(names = "--include-databases", paramLabel = "PATTERN[,...]",
      description = "Take only DDL of these databases (glob patterns: app_*, tenant?; names as in the catalog).")
  String includeDatabases;

  @Option(names = "--exclude-databases", paramLabel = "PATTERN[,...]",
      description = "Leave out DDL of these databases (CREATE/DROP DATABASE: the database created or dropped). "
          + "Exclude wins over include.")
  String excludeDatabases;

  @Option(names = "--include-schemas", paramLabel = "PATTERN[,...]",
      description = "Take only DDL on objects of these schemas (DDL on objects outside schemas, such as roles or "
          + "extensions, is not judged by schema).")
  String includeSchemas;

  @Option(names = "--exclude-schemas", paramLabel = "PATTERN[,...]",
      description = "Leave out DDL on objects of these schemas (a statement touching several is left out only if "
          + "all of them are).")
  String excludeSchemas;

  @Option(names = "--include-commands", paramLabel = "TAG[,...]",
      description = "Take only these commands: tags such as 'CREATE TABLE', or kinds such as 'CREATE *'.")
  String includeCommands;

  @Option(names = "--exclude-commands", paramLabel = "TAG[,...]",
      description = "Leave out these commands, e.g. 'CREATE INDEX,DROP INDEX'. Filtered events are counted and "
          + "logged, never lost silently.")
  String excludeCommands;

  public EventFilter.Options options() {
    return new EventFilter.Options(includeDatabases, excludeDatabases, includeSchemas, excludeSchemas,
        includeCommands, excludeCommands);
  }
}

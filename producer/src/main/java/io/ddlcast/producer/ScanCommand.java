package io.ddlcast.producer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.cli.FilterOptions;
import io.ddlcast.common.cli.Problems;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.event.EventFilter;
import io.ddlcast.common.sql.Secrets;
import io.ddlcast.producer.capture.DropKind;
import io.ddlcast.producer.capture.EventFactory;
import io.ddlcast.producer.capture.HelperTrust;
import io.ddlcast.producer.csvlog.CsvlogParser;
import io.ddlcast.producer.csvlog.LogRecord;
import io.ddlcast.producer.settle.Outcome;
import io.ddlcast.producer.settle.SessionTracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ddlcast-producer scan FILE...}: what the producer would publish from csvlog files, offline, as JSON lines.
 * Without the live primary, decisions that need it are marked {@code undecided}.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Read csvlog files offline (in the order given: oldest first) and print, as JSON lines, the events the "
            + "producer would publish ({\"decision\":\"publish\",...}) and the statements it would not, with the "
            + "reason (\"drop\": failed, rolled back, temporary, ...; \"undecided\": only the live primary can tell; "
            + "\"open\": its transaction had not ended at the end of the files; \"filtered\": left out by the filter "
            + "options, as the producer run with them would). Passwords are masked."})
final class ScanCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "csvlog files.")
  List<Path> files;

  @Option(names = "--source", paramLabel = "NAME", defaultValue = "scan",
      description = "Source name to put in the events (default: ${DEFAULT-VALUE}).")
  String source;

  @Mixin
  FilterOptions filters;

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Problems problems = new Problems();
    EventFilter filter = EventFilter.of(filters.options(), problems);
    problems.throwIfAny();
    PrintWriter out = spec.commandLine().getOut();
    SessionTracker tracker = new SessionTracker(new EventFactory(source), false, HelperTrust.FRAMES_ONLY);
    for (Path file : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new DdlcastException(ExitCode.FAILED, "cannot read " + file + ": " + e.getMessage(), e);
      }
      CsvlogParser.Chunk chunk = CsvlogParser.parse(file.getFileName().toString(), 0, bytes, bytes.length);
      chunk.problems().forEach(p -> problem(out, p));
      if (chunk.consumed() < bytes.length) {
        problem(out, "incomplete record at the end of " + file + " offset " + chunk.consumed() + " ("
            + (bytes.length - chunk.consumed()) + " bytes); skipped");
      }
      for (LogRecord record : chunk.records()) {
        tracker.accept(record).forEach(o -> print(out, o, filter));
        tracker.drainProblems().forEach(p -> problem(out, p));
      }
    }
    for (DdlEvent open : tracker.openEvents()) {
      ObjectNode line = line("open", open);
      line.put("reason", "its transaction had not ended at the end of the files");
      out.println(line);
    }
    out.flush();
    return ExitCode.OK.code();
  }

  private static void print(PrintWriter out, Outcome outcome, EventFilter filter) {
    ObjectNode line;
    String rejection = outcome instanceof Outcome.Publish p ? filter.rejection(p.event()) : null;
    if (rejection != null) {
      line = line("filtered", outcome.event());
      line.put("reason", rejection);
    } else if (outcome instanceof Outcome.Drop d) {
      boolean undecided = d.kind() == DropKind.UNDECIDED;
      line = line(undecided ? "undecided" : "drop", d.event());
      line.put("reason", d.reason());
      if (undecided) {
        line.put("needs", "primary");
      }
    } else {
      line = line("publish", outcome.event());
    }
    out.println(line);
  }

  private static ObjectNode line(String decision, DdlEvent event) {
    ObjectNode line = EventCodec.mapper().createObjectNode();
    line.put("decision", decision);
    try {
      ObjectNode e = (ObjectNode) EventCodec.mapper().readTree(EventCodec.encode(event));
      e.put("statement", Secrets.mask(event.statement()));
      line.set("event", e);
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
    return line;
  }

  private static void problem(PrintWriter out, String problem) {
    ObjectNode line = EventCodec.mapper().createObjectNode();
    line.put("problem", problem);
    out.println(line);
  }
}

package io.ddlcast.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {
  private static final LogPosition POSITION =
      new LogPosition("postgresql-2026-11-23_183900.csv", 48213, "6742f0a1.2b4c", 17);

  private static DdlEvent event(String user, String command, String statement, Instant logTime) {
    return new DdlEvent(DdlEvent.SCHEMA_VERSION, DdlEvent.idOf(POSITION), "7312345678901234567", "company",
        "company", Scope.DATABASE, user, new ExecutionContext("app_owner", user, "sales, \"$user\", public"), command,
        statement, logTime, POSITION);
  }

  private static DdlEvent sample() {
    return event("postgres", "CREATE TABLE", "CREATE TABLE t (a int)", Instant.parse("2026-11-23T18:39:15.123Z"));
  }

  private static ObjectNode json(DdlEvent event) throws Exception {
    return (ObjectNode) EventCodec.mapper().readTree(EventCodec.encode(event));
  }

  private static ObjectNode position(ObjectNode node) {
    return (ObjectNode) node.get("position");
  }

  private static byte[] bytes(JsonNode node) throws Exception {
    return EventCodec.mapper().writeValueAsBytes(node);
  }

  @Test
  void decodeOfEncodeGivesTheSameEvent() throws Exception {
    DdlEvent event = sample();
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
  }

  @Test
  void theGenerationTravelsAndIsOneWhereAbsent() throws Exception {
    DdlEvent second = sample().inGeneration(2);
    assertThat(json(second).get("generation").intValue()).isEqualTo(2);
    assertThat(EventCodec.decode(EventCodec.encode(second)).generation()).isEqualTo(2);
    assertThat(json(sample()).has("generation")).isFalse();
    assertThat(EventCodec.decode(EventCodec.encode(sample())).generation()).isEqualTo(1);
    ObjectNode bad = json(sample()).put("generation", "2");
    assertThatThrownBy(() -> EventCodec.decode(bytes(bad))).isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("generation");
    ObjectNode zero = json(sample()).put("generation", 0);
    assertThatThrownBy(() -> EventCodec.decode(bytes(zero))).isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("generation");
  }

  @Test
  void roundTripKeepsNonAsciiAndNewlines() throws Exception {
    DdlEvent event = event("jürgen", "CREATE TABLE",
        "CREATE TABLE \"Grüße\" (\n\t\"名前\" text -- 😀\n)", Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
  }

  @Test
  void roundTripKeepsNullUserCommandAndLogTime() throws Exception {
    DdlEvent event = event(null, null, "DROP TABLE t", null);
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
  }

  @Test
  void contextWithUnknownPartsRoundTrips() throws Exception {
    DdlEvent event = new DdlEvent(1, "s:1", "src", "db", "db", Scope.DATABASE, "u",
        new ExecutionContext(null, "u", null), "CREATE TABLE", "CREATE TABLE t()", null, POSITION);
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
  }

  @Test
  void settingsRoundTripUnderTheirPostgresNamesAndAbsentSettingsAreUnknown() throws Exception {
    Map<SessionSetting, String> settings = Map.of(SessionSetting.TIME_ZONE, "America/New_York",
        SessionSetting.CHECK_FUNCTION_BODIES, "off");
    DdlEvent event = new DdlEvent(1, "s:1", "src", "db", "db", Scope.DATABASE, "u",
        new ExecutionContext("u", "u", "public", settings), "CREATE TABLE", "CREATE TABLE t()", null, POSITION);
    String json = new String(EventCodec.encode(event), StandardCharsets.UTF_8);
    assertThat(json).contains("\"searchPath\":\"public\",\"settings\":{\"check_function_bodies\":\"off\","
        + "\"TimeZone\":\"America/New_York\"}}");
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);

    DdlEvent none = new DdlEvent(1, "s:1", "src", "db", "db", Scope.DATABASE, "u",
        new ExecutionContext("u", "u", "public", Map.of()), "CREATE TABLE", "CREATE TABLE t()", null, POSITION);
    assertThat(EventCodec.decode(EventCodec.encode(none)).context().settings()).isEmpty();
    // an event written before settings were carried: unknown, not "all built-in"
    String old = "{\"schema\":1,\"id\":\"s:1\",\"source\":\"src\",\"database\":\"db\",\"key\":\"db\","
        + "\"scope\":\"DATABASE\",\"user\":\"u\",\"context\":{\"role\":\"u\",\"sessionRole\":null,"
        + "\"searchPath\":null},\"command\":\"CREATE TABLE\",\"statement\":\"CREATE TABLE t()\",\"logTime\":null,"
        + "\"position\":{\"file\":\"f\",\"offset\":1,\"session\":\"s\",\"line\":1}}";
    assertThat(EventCodec.decode(old.getBytes(StandardCharsets.UTF_8)).context().settings()).isNull();
  }

  @Test
  void aSettingDdlcastDoesNotCarryOrThatIsNotAStringMakesTheEventInvalid() {
    String json = new String(EventCodec.encode(new DdlEvent(1, "s:1", "src", "db", "db", Scope.DATABASE, "u",
        new ExecutionContext("u", null, null, Map.of(SessionSetting.DATE_STYLE, "ISO, DMY")), "CREATE TABLE",
        "CREATE TABLE t()", null, POSITION)), StandardCharsets.UTF_8);
    for (String bad : List.of("\"session_replication_role\":\"replica\"", "\"datestyle\":\"ISO, DMY\"",
        "\"DateStyle\":1")) {
      byte[] tampered = json.replace("\"DateStyle\":\"ISO, DMY\"", bad).getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> EventCodec.decode(tampered)).as(bad)
          .isInstanceOf(InvalidEventException.class).hasMessageContaining("setting");
    }
  }

  @Test
  void aContextThatIsNotAnObjectIsInvalid() {
    String json = new String(EventCodec.encode(sample()), StandardCharsets.UTF_8)
        .replaceFirst("\"context\":\\{[^}]*\\}", "\"context\":\"x\"");
    assertThatThrownBy(() -> EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("context");
  }

  @Test
  void roundTripKeepsClusterScopeAndKeyDifferentFromDatabase() throws Exception {
    DdlEvent event = new DdlEvent(1, "s:1", "src", "postgres", "x", Scope.CLUSTER, "u", null, "CREATE DATABASE",
        "CREATE DATABASE x", null, POSITION);
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
  }

  @Test
  void encodedJsonHasTheDocumentedFieldNamesInOrder() throws Exception {
    List<String> names = new ArrayList<>();
    json(sample()).fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("schema", "id", "source", "database", "key", "scope", "user", "context",
        "command", "statement", "logTime", "position");
  }

  @Test
  void encodedPositionHasTheDocumentedFieldNames() throws Exception {
    List<String> names = new ArrayList<>();
    json(sample()).get("position").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("file", "offset", "session", "line");
  }

  @Test
  void encodedJsonHasTheDocumentedValueShapes() throws Exception {
    ObjectNode node = json(sample());
    assertThat(node.get("schema").isInt()).isTrue();
    assertThat(node.get("scope").textValue()).isEqualTo("DATABASE");
    assertThat(node.get("logTime").textValue()).isEqualTo("2026-11-23T18:39:15.123Z");
    assertThat(node.get("position").get("offset").asLong()).isEqualTo(48213);
    assertThat(node.get("position").get("line").asLong()).isEqualTo(17);
  }

  @Test
  void encodingIsUtf8() {
    DdlEvent event = event("u", "c", "COMMENT ON TABLE t IS 'ä'", null);
    assertThat(new String(EventCodec.encode(event), StandardCharsets.UTF_8)).contains("'ä'");
  }

  @Test
  void toJsonIsTheEncodedBytesAsText() {
    assertThat(EventCodec.toJson(sample())).isEqualTo(new String(EventCodec.encode(sample()), StandardCharsets.UTF_8));
  }

  @Test
  void unknownExtraFieldIsIgnored() throws Exception {
    ObjectNode node = json(sample());
    node.put("addedLater", "whatever");
    position(node).put("alsoNew", 1);
    assertThat(EventCodec.decode(bytes(node))).isEqualTo(sample());
  }

  @Test
  void newerSchemaVersionIsRejectedAsNewerSchema() throws Exception {
    ObjectNode node = json(sample());
    node.put("schema", DdlEvent.SEALED_SCHEMA_VERSION + 1);
    assertThatThrownBy(() -> EventCodec.decode(bytes(node)))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.newerSchema()).isTrue());
  }

  @Test
  void newerSchemaVersionMessageSaysToUpgrade() throws Exception {
    ObjectNode node = json(sample());
    node.put("schema", DdlEvent.SEALED_SCHEMA_VERSION + 1);
    assertThatThrownBy(() -> EventCodec.decode(bytes(node))).hasMessageContaining("upgrade");
  }

  @Test
  void newerSchemaVersionIsRejectedEvenWithFieldsThisBuildDoesNotKnow() throws Exception {
    byte[] future = "{\"schema\":3,\"somethingElse\":true}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> EventCodec.decode(future))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.newerSchema()).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json at all", "{\"schema\":1,", "[1,2,3]", "\"text\"", "42", "", "null"})
  void nonEventBytesAreInvalidButNotNewer(String text) {
    assertThatThrownBy(() -> EventCodec.decode(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.newerSchema()).isFalse());
  }

  @Test
  void binaryGarbageIsInvalidButNotNewer() {
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, (byte) 0x80};
    assertThatThrownBy(() -> EventCodec.decode(garbage))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.newerSchema()).isFalse());
  }

  @Test
  void nullBytesAreInvalidButNotNewer() {
    assertThatThrownBy(() -> EventCodec.decode(null))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.newerSchema()).isFalse());
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "source", "database", "key", "scope", "statement", "position"})
  void missingRequiredFieldIsInvalidAndNamed(String field) throws Exception {
    ObjectNode node = json(sample());
    node.remove(field);
    assertThatThrownBy(() -> EventCodec.decode(bytes(node)))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.newerSchema()).isFalse())
        .hasMessageContaining(field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "offset", "session", "line"})
  void missingRequiredPositionFieldIsInvalidAndNamed(String field) throws Exception {
    ObjectNode node = json(sample());
    position(node).remove(field);
    assertThatThrownBy(() -> EventCodec.decode(bytes(node)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining(field);
  }

  @Test
  void missingSchemaVersionIsInvalidButNotNewer() throws Exception {
    ObjectNode node = json(sample());
    node.remove("schema");
    assertThatThrownBy(() -> EventCodec.decode(bytes(node)))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.newerSchema()).isFalse());
  }

  @Test
  void requiredFieldOfTheWrongTypeIsInvalid() throws Exception {
    ObjectNode node = json(sample());
    node.put("statement", 42);
    assertThatThrownBy(() -> EventCodec.decode(bytes(node))).isInstanceOf(InvalidEventException.class);
  }

  @Test
  void unknownScopeIsInvalid() throws Exception {
    ObjectNode node = json(sample());
    node.put("scope", "GALAXY");
    assertThatThrownBy(() -> EventCodec.decode(bytes(node))).isInstanceOf(InvalidEventException.class);
  }

  @Test
  void negativeOffsetIsInvalid() throws Exception {
    ObjectNode node = json(sample());
    position(node).put("offset", -1);
    assertThatThrownBy(() -> EventCodec.decode(bytes(node))).isInstanceOf(InvalidEventException.class);
  }

  @Test
  void malformedLogTimeIsInvalid() throws Exception {
    ObjectNode node = json(sample());
    node.put("logTime", "yesterday");
    assertThatThrownBy(() -> EventCodec.decode(bytes(node))).isInstanceOf(InvalidEventException.class);
  }

  private static DdlEvent withSchemas(List<String> schemas) {
    DdlEvent e = sample();
    return new DdlEvent(e.schema(), e.id(), e.source(), e.database(), e.key(), e.scope(), e.user(), e.context(),
        e.command(), e.statement(), e.logTime(), e.position(), schemas);
  }

  @Test
  void schemasRoundTripAndComeLast() throws Exception {
    DdlEvent event = withSchemas(List.of("sales", "Zürich \"q\""));
    assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
    List<String> names = new ArrayList<>();
    json(event).fieldNames().forEachRemaining(names::add);
    assertThat(names).endsWith("position", "schemas");
    assertThat(json(event).get("schemas").get(1).textValue()).isEqualTo("Zürich \"q\"");
  }

  @Test
  void noSchemasIsNoFieldSoOlderReadersSeeTheSameBytes() throws Exception {
    assertThat(json(withSchemas(List.of())).has("schemas")).isFalse();
    assertThat(withSchemas(null).schemas()).isEmpty();
  }

  @Test
  void anEventWrittenBeforeSchemasExistedIsReadWithNone() throws Exception {
    // exactly what a build without the field wrote (schema version 1, no "schemas")
    String old = "{\"schema\":1,\"id\":\"s:1\",\"source\":\"src\",\"database\":\"db\",\"key\":\"db\","
        + "\"scope\":\"DATABASE\",\"user\":\"u\",\"command\":\"CREATE TABLE\",\"statement\":\"CREATE TABLE t()\","
        + "\"logTime\":null,\"position\":{\"file\":\"f.csv\",\"offset\":1,\"session\":\"s\",\"line\":1}}";
    DdlEvent event = EventCodec.decode(old.getBytes(StandardCharsets.UTF_8));
    assertThat(event.schemas()).isEmpty();
    assertThat(event.schema()).isEqualTo(1);
    assertThat(event.command()).isEqualTo("CREATE TABLE");
  }

  @Test
  void schemasOfTheWrongShapeAreInvalid() throws Exception {
    ObjectNode node = json(sample());
    node.put("schemas", "sales");
    assertThatThrownBy(() -> EventCodec.decode(bytes(node))).isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("schemas");
    node.putArray("schemas").add(1);
    assertThatThrownBy(() -> EventCodec.decode(bytes(node))).isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("schemas");
  }

  @Test
  void idIsSessionColonLine() {
    assertThat(DdlEvent.idOf(new LogPosition("f.csv", 0, "6742f0a1.2b4c", 17))).isEqualTo("6742f0a1.2b4c:17");
  }

  @Test
  void idDoesNotDependOnFileOrOffset() {
    assertThat(DdlEvent.idOf(new LogPosition("a.csv", 10, "s", 3)))
        .isEqualTo(DdlEvent.idOf(new LogPosition("b.csv", 999, "s", 3)));
  }

  @Test
  void aStatementLongerThanJacksonsDefaultLimitIsReadBack() throws Exception {
    // Jackson refuses strings of more than 20M characters by default; the reader takes any that fits in a record
    String statement = "COMMENT ON TABLE t IS '" + "x".repeat(25_000_000) + "'";
    DdlEvent event = event("postgres", "COMMENT", statement, null);
    assertThat(EventCodec.decode(EventCodec.encode(event)).statement()).isEqualTo(statement);
  }

  @Test
  void theStatementLimitLeavesRoomForTheWorstEscapingInARecord() {
    assertThat(6L * DdlEvent.MAX_STATEMENT_CHARS + (64 << 10)).isLessThan(DdlEvent.MAX_RECORD_BYTES);
  }
}

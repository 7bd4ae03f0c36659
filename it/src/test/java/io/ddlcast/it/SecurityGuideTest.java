package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.kafka.Topics;
import io.ddlcast.testkit.DdlcastAcls;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md gives the {@code kafka-acls.sh} commands of each component's least rights, and SecureTransportIT
 * runs the pipeline under {@link DdlcastAcls}: this unit test keeps the two the same, so the guide says exactly what
 * was tested.
 */
class SecurityGuideTest {

  @Test
  void theGuideGivesExactlyTheAclsThePipelineRanUnder() throws IOException {
    String guide = Files.readString(Pipeline.ROOT.resolve("docs/security.md"));
    String topic = Topics.DEFAULT_TOPIC;
    int commands = 0;
    for (List<DdlcastAcls.Grant> grants : List.of(DdlcastAcls.producer("User:ddlcast-producer", topic),
        DdlcastAcls.applier("User:ddlcast-applier-standby1", topic, "standby1"),
        DdlcastAcls.operator("User:ddlcast-operator", topic))) {
      for (String command : DdlcastAcls.kafkaAclsCommands(grants).strip().split("\n")) {
        assertThat(guide).as("docs/security.md").contains(command + "\n");
        commands++;
      }
    }
    long inGuide = guide.lines().filter(line -> line.startsWith("kafka-acls.sh ")).count();
    assertThat(inGuide).as("kafka-acls.sh commands in docs/security.md").isEqualTo(commands);
  }
}

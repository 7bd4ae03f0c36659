package io.ddlcast.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of DEVELOPERS.md, checked on the compiled classes of every module (this module depends on all of
 * them, so its test class path holds them all): a unit test, run by surefire in {@code ./mvnw -B test} and
 * {@code ./mvnw -B verify}. A failure names each offending class, the dependency and its source line. Run it in a
 * reactor build ({@code -pl it -am} at least): with {@code -pl it} alone the other modules' classes would be the
 * jars last installed in the local repository.
 */
class LayeringTest {
  private static final String COMMON = "io.ddlcast.common..";
  private static final String PRODUCER = "io.ddlcast.producer..";
  private static final String APPLIER = "io.ddlcast.applier..";
  private static final String TESTKIT = "io.ddlcast.testkit..";
  private static final String DEMO = "io.ddlcast.demo..";
  private static final String BENCH = "io.ddlcast.bench..";
  private static final String IT = "io.ddlcast.it..";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().importPackages("io.ddlcast");
  }

  /** Else every rule below could hold because the classes it is about are missing. */
  @Test
  void everyModuleIsImported() {
    List<String> mains = List.of("io.ddlcast.common.cli.Cli", "io.ddlcast.producer.ProducerMain",
        "io.ddlcast.applier.ApplierMain", "io.ddlcast.testkit.TestServers", "io.ddlcast.demo.DemoMain",
        "io.ddlcast.bench.BenchMain", "io.ddlcast.it.LayeringTest");
    assertThat(mains).allMatch(classes::contain);
  }

  @Test
  void theProducerDoesNotDependOnTheApplier() {
    check(noClasses().that().resideInAPackage(PRODUCER)
        .should().dependOnClassesThat().resideInAPackage(APPLIER)
        .because("producer and applier are deployed and released apart; what both need belongs in common"));
  }

  @Test
  void theApplierDoesNotDependOnTheProducer() {
    check(noClasses().that().resideInAPackage(APPLIER)
        .should().dependOnClassesThat().resideInAPackage(PRODUCER)
        .because("producer and applier are deployed and released apart; what both need belongs in common"));
  }

  @Test
  void commonDependsOnNoOtherModule() {
    check(noClasses().that().resideInAPackage(COMMON)
        .should().dependOnClassesThat().resideInAnyPackage(PRODUCER, APPLIER, TESTKIT, DEMO, BENCH, IT)
        .because("common is what the producer and the applier share, and depends on neither"));
  }

  @Test
  void onlyTheDemoTheBenchAndTheTestsUseTheTestkit() {
    check(noClasses().that().resideOutsideOfPackages(TESTKIT, DEMO, BENCH, IT)
        .should().dependOnClassesThat().resideInAPackage(TESTKIT)
        .because("the testkit starts servers for the demo, the bench and the tests; the producer and the applier"
            + " jars must not carry it"));
  }

  /**
   * The capture and settle stages of the producer are pure functions of the records they are given: no JDBC,
   * network, files, Kafka, processes or sleeping ({@code Thread.sleep}, {@code TimeUnit.sleep}).
   */
  @Test
  void captureAndSettleDoNoIo() {
    check(noClasses().that().resideInAnyPackage("io.ddlcast.producer.capture..", "io.ddlcast.producer.settle..")
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "java.net..", "java.nio.file..",
            "java.nio.channels..", "javax.net..", "org.apache.kafka..")
        .orShould().dependOnClassesThat().belongToAnyOf(File.class, FileInputStream.class, FileOutputStream.class,
            FileReader.class, FileWriter.class, RandomAccessFile.class, ProcessBuilder.class)
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
        .orShould().callMethod(TimeUnit.class, "sleep", long.class)
        .because("capture and settle decide from their input alone, so that they are tested without servers;"
            + " the I/O stays in the stages around them"));
  }

  /**
   * The producer's stages, each a package, as DEVELOPERS.md's table has them: a stage uses only the stages before
   * it; the service package (the loop, the lifecycle, the commands) uses them all and none uses it.
   */
  @Test
  void theProducersStagesUseOnlyTheStagesBeforeThem() {
    check(layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("csvlog").definedBy("io.ddlcast.producer.csvlog..")
        .layer("capture").definedBy("io.ddlcast.producer.capture..")
        .layer("settle").definedBy("io.ddlcast.producer.settle..")
        .layer("primary").definedBy("io.ddlcast.producer.primary..")
        .layer("publish").definedBy("io.ddlcast.producer.publish..")
        .layer("service").definedBy("io.ddlcast.producer")
        .whereLayer("service").mayNotBeAccessedByAnyLayer()
        .whereLayer("publish").mayOnlyBeAccessedByLayers("service")
        .whereLayer("primary").mayOnlyBeAccessedByLayers("service")
        .whereLayer("settle").mayOnlyBeAccessedByLayers("primary", "publish", "service")
        .whereLayer("capture").mayOnlyBeAccessedByLayers("settle", "primary", "service")
        .whereLayer("csvlog").mayOnlyBeAccessedByLayers("capture", "settle", "primary", "publish", "service")
        .because("each stage is a room with one job: what a later stage needs is passed to it, never reached for"));
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}

package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.testkit.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./ddlcast demo}, as a newcomer runs it: the origin course's scenario converges and everything stops. */
class DemoIT {
  @Test
  void theDemoConvergesAndExitsZero() {
    Path out = Pipeline.ROOT.resolve("it/target/it-logs/DemoIT/demo.log");
    long started = System.nanoTime();
    try (JavaProcess demo = JavaProcess.startJar(Pipeline.DEMO_JAR, List.of(), List.of(), Map.of(), out)) {
      int exit = demo.waitFor(Duration.ofSeconds(180));
      String output = demo.output();
      assertThat(exit).as(output).isZero();
      assertThat(output)
          .contains("ok      [postgres] CREATE DATABASE company")
          .contains("ok      [company] CREATE FOREIGN TABLE employee")
          .contains("ERROR   [company] CREATE FOREIGN TABLE employee_bad")
          .containsPattern("database company\\s+yes\\s+yes\\s+yes")
          .containsPattern("foreign table employee columns\\s+empno,ename,age\\s+empno,ename,age\\s+empno,ename,age")
          .containsPattern("failed DDL's employee_bad\\s+absent\\s+absent\\s+absent")
          .containsPattern("rows read from shared employee.csv\\s+3\\s+3\\s+3")
          .contains("Converged");
    }
    System.out.printf("demo took %.1f s%n", (System.nanoTime() - started) / 1e9);
  }
}

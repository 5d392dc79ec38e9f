package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bin/gregor start} with a config that is out of range or contradicts itself: it stops
 * before it binds or writes anything, exits 1 and prints one line naming the key and the value,
 * without a stack trace.
 */
class BadConfigIT {
    @TempDir
    Path workDir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "replica.lag.time.max.ms=-1|replica.lag.time.max.ms|-1",
        "group.min.session.timeout.ms=60000 group.max.session.timeout.ms=30000|group.min.session.timeout.ms|60000",
        "listeners=PLAINTEXT://127.0.0.1:0,PLAINTEXT://127.0.0.1:0|listeners|PLAINTEXT://127.0.0.1:0,PLAINTEXT://127.0.0.1:0",
    })
    void shouldExitWithOneLineNamingTheKeyAndValue(String overrides, String key, String value) throws Exception {
        List<String> args = new ArrayList<>(List.of("start", "--override", "log.dir=" + workDir.resolve("logs"),
            "--override", "zookeeper.embedded.port=0"));
        for (String override : overrides.split(" ")) {
            args.add("--override");
            args.add(override);
        }

        try (GregorProcess gregor = GregorProcess.launch(workDir, "gregor.log", args)) {
            int exitCode = gregor.awaitExit(Duration.ofSeconds(60));

            String output = gregor.output();
            assertThat(exitCode).as(output).isEqualTo(1);
            List<String> errors = output.lines().filter(l -> l.startsWith("Error: ")).toList();
            assertThat(errors).as(output).singleElement().satisfies(line ->
                assertThat(line).contains(key).contains(value));
            assertThat(output).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(workDir.resolve("logs")).as("nothing written before the config was checked").doesNotExist();
        }
    }
}

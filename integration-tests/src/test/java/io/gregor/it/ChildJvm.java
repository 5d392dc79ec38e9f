package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class of the test classpath in a separate JVM: Apache Kafka's command-line tools
 * (which end with {@code System.exit}) and group members that a test kills with SIGKILL. The
 * child logs to stderr ({@code logback-child.xml}), so its stdout carries only what it prints.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * A command line {@code java ... mainClass args}, with the classpath of this test run and
     * JVM flags that favour start-up time over peak speed.
     */
    static List<String> command(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms32m");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dlogback.configurationFile=" + resource("logback-child.xml"));
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Starts the command with its stdout and stderr going to files (a pipe nobody drains could block it). */
    static Process start(List<String> command, Path stdout, Path stderr) throws IOException {
        return new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    }

    /**
     * The test classpath. Surefire and failsafe start tests through a manifest-only jar but set
     * {@code java.class.path} to the real classpath, which is what a child JVM needs.
     */
    private static String classpath() {
        String classpath = System.getProperty("java.class.path");
        assertThat(classpath).as("test classpath").contains("kafka-clients");
        return classpath;
    }

    private static String resource(String name) {
        URL url = ChildJvm.class.getClassLoader().getResource(name);
        assertThat(url).as("test resource %s", name).isNotNull();
        try {
            Path path = Path.of(url.toURI());
            assertThat(Files.exists(path)).isTrue();
            return path.toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

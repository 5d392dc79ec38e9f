package io.gregor.examples.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect worker ({@link ConnectWorker}) in a JVM of its own, started with the example's
 * {@code config/worker.properties} and overrides, which a test can kill with SIGKILL. Its log
 * goes to {@code <name>.log} in the scratch directory (appended to across restarts). Always
 * {@link #close()} it.
 */
final class WorkerProcess implements AutoCloseable {
    private final String name;
    private final int restPort;
    private final Path log;
    private final List<String> command;
    private Process process;

    private WorkerProcess(String name, int restPort, Path log, List<String> command) {
        this.name = name;
        this.restPort = restPort;
        this.log = log;
        this.command = command;
    }

    /** Starts a worker whose REST API listens on {@code 127.0.0.1:restPort}. */
    static WorkerProcess start(String name, Path scratch, int restPort, List<String> overrides) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // The example's own logging config (Connect at INFO), not the tests'.
        command.add("-Dlogback.configurationFile=" + exampleDir().resolve("src/main/resources/logback.xml"));
        command.add("-cp");
        // Surefire and failsafe start tests through a manifest-only jar but set java.class.path
        // to the real classpath, which is what the child needs.
        command.add(System.getProperty("java.class.path"));
        command.add(ConnectWorker.class.getName());
        command.add(exampleDir().resolve("config/worker.properties").toString());
        List<String> settings = new ArrayList<>(overrides);
        settings.add("listeners=http://127.0.0.1:" + restPort);
        settings.add("rest.advertised.host.name=127.0.0.1");
        for (String setting : settings) {
            command.add("--override");
            command.add(setting);
        }
        WorkerProcess worker = new WorkerProcess(name, restPort, scratch.resolve(name + ".log"), command);
        worker.startProcess();
        return worker;
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    }

    String name() {
        return name;
    }

    /** How Connect names this worker in statuses: its advertised REST host and port. */
    String workerId() {
        return "127.0.0.1:" + restPort;
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s gone after SIGKILL", name).isTrue();
    }

    /** Starts it again, with the same command line (REST port, group, config). */
    void restart() throws IOException {
        assertThat(process.isAlive()).as("%s is stopped before a restart", name).isFalse();
        startProcess();
    }

    /** The end of its log, for assertion messages and the test's output. */
    String logTail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 30_000 ? "..." + text.substring(text.length() - 30_000) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path exampleDir() {
        return Path.of(System.getProperty("example.dir", ".")).toAbsolutePath();
    }

    @Override
    public String toString() {
        return name + " (" + workerId() + (process.isAlive() ? "" : ", stopped") + ")";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

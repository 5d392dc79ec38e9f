package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A broker started the way a user starts one: {@code bin/gregor start} as a separate process,
 * in its own working directory (so its data goes to {@code ./data}), with its output in a log
 * file there. Always {@link #close()} it: that kills the process if it is still running.
 */
final class GregorProcess implements AutoCloseable {
    static final String READY_LINE = "ready on PLAINTEXT://";
    /** Processes still running, killed when the test JVM exits, so that none outlives a crashed or timed-out run. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "kill-gregor-processes"));
    }

    private final Process process;
    private final Path logFile;

    private GregorProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code bin/gregor start --override ...} in {@code workDir} and waits for the ready line.
     *
     * @param logName file in {@code workDir} that receives the process's output
     */
    static GregorProcess start(Path workDir, String logName, List<String> overrides) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add("start");
        for (String override : overrides) {
            args.add("--override");
            args.add(override);
        }
        GregorProcess broker = launch(workDir, logName, args);
        try {
            broker.awaitReady(Duration.ofSeconds(30));
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /**
     * Starts {@code bin/gregor args...} in {@code workDir} without waiting for anything; follow
     * with {@link #awaitReady} for a broker. Several brokers launched first and awaited after
     * start up side by side.
     */
    static GregorProcess launch(Path workDir, String logName, List<String> args) throws IOException {
        Path home = gregorHome();
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/gregor").toString());
        command.addAll(args);
        Path logFile = workDir.resolve(logName);
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
        builder.environment().put("GREGOR_HEAP_OPTS", "-Xms32m -Xmx256m");
        String leakLevel = System.getProperty("io.netty.leakDetection.level");
        if (leakLevel != null) {
            // The leak detection level the build gives the test JVM (paranoid): leaks show as LEAK: in the broker log.
            builder.environment().put("GREGOR_JVM_OPTS", "-Dio.netty.leakDetection.level=" + leakLevel);
        }
        Process process = builder.start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        return new GregorProcess(process, logFile);
    }

    /**
     * The checkout holding {@code bin/gregor}. The build must have packaged the cli module
     * first ({@code mvn verify} does, before the integration tests run); otherwise the launcher
     * would start a Maven build of its own.
     */
    static Path gregorHome() {
        Path home = Path.of(System.getProperty("gregor.home", "..")).toAbsolutePath().normalize();
        assertThat(home.resolve("bin/gregor")).as("launcher in %s", home).isExecutable();
        assertThat(home.resolve("cli/target/lib/.complete"))
            .as("cli/target/lib is built (run the tests through 'mvn verify', which packages the cli module first)")
            .exists();
        return home;
    }

    /** Waits for the broker's ready line; fails at once if the process exits first. */
    void awaitReady(Duration timeout) {
        // The message is built when the process has exited, so that it shows why.
        await().atMost(timeout).pollInterval(Duration.ofMillis(50))
            .failFast(() -> assertThat(process.isAlive()).as(() -> "gregor exited before it was ready:\n" + output()).isTrue())
            .until(() -> output().contains(READY_LINE));
    }

    /** Everything the process printed so far. */
    String output() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL (on Linux, {@link Process#destroyForcibly()}), then waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("process %d gone after SIGKILL", process.pid()).isTrue();
    }

    /** SIGSTOP: the process freezes (no threads run, sockets stay open) until {@link #resume()}. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %d", name, process.pid()).isTrue();
    }

    /** SIGTERM (on Linux, {@link Process#destroy()}); returns the exit code once it has stopped. */
    int stop(Duration timeout) throws InterruptedException {
        terminate();
        return awaitExit(timeout);
    }

    /** SIGTERM, without waiting. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit (failing after {@code timeout}) and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            .as("gregor stopped within %s after SIGTERM; output:%n%s", timeout, tail()).isTrue();
        return process.exitValue();
    }

    /** The last lines of the output, for assertion messages. */
    String tail() {
        String[] lines = output().split("\n");
        int from = Math.max(0, lines.length - 40);
        return String.join("\n", List.of(lines).subList(from, lines.length));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

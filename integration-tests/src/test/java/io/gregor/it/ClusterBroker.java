package io.gregor.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One broker of a {@link ProcessCluster}: a {@code bin/gregor start} process with a fixed id,
 * port and working directory, so that it can be killed, frozen and started again as the same
 * broker. Each start writes its output to a new file ({@code broker-1.log}, {@code broker-1.2.log}, ...).
 */
final class ClusterBroker {
    private final int id;
    private final int port;
    private final Path workDir;
    private final List<String> overrides;
    private GregorProcess process;
    private int starts;
    private boolean paused;

    ClusterBroker(int id, int port, Path workDir, List<String> overrides) throws IOException {
        this.id = id;
        this.port = port;
        this.workDir = Files.createDirectories(workDir);
        this.overrides = List.copyOf(overrides);
    }

    int id() {
        return id;
    }

    /** {@code host:port} for clients. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** The broker's only log directory ({@code log.dirs}). */
    Path logDir() {
        return workDir.resolve("logs");
    }

    /** Starts the process and returns without waiting for it to be ready. */
    void launch() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("broker " + id + " is already running");
        }
        starts++;
        List<String> args = new ArrayList<>();
        args.add("start");
        List<String> all = new ArrayList<>(overrides);
        all.add("log.dirs=" + logDir());
        for (String override : all) {
            args.add("--override");
            args.add(override);
        }
        paused = false;
        process = GregorProcess.launch(workDir, "broker-" + id + (starts == 1 ? "" : "." + starts) + ".log", args);
    }

    void awaitReady() {
        process.awaitReady(Duration.ofSeconds(45));
    }

    /** Starts the broker (again) and waits until it is ready. */
    void start() throws IOException {
        launch();
        awaitReady();
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
        process.kill();
        paused = false;
    }

    /** SIGTERM: a clean, controlled shutdown. */
    void stop() throws InterruptedException {
        process.stop(Duration.ofSeconds(45));
    }

    /** SIGTERM, without waiting for the process to exit. */
    void terminate() {
        process.terminate();
    }

    /** Waits until the process has exited; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    /** SIGSTOP. */
    void pause() throws IOException, InterruptedException {
        process.pause();
        paused = true;
    }

    /** SIGCONT. */
    void resume() throws IOException, InterruptedException {
        process.resume();
        paused = false;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    boolean isPaused() {
        return paused && isRunning();
    }

    long pid() {
        return process.pid();
    }

    /** The output of the current (or last) process. */
    String output() {
        return process == null ? "" : process.output();
    }

    String tail() {
        return process == null ? "(never started)" : process.tail();
    }

    /** Kills the process if it still runs (SIGKILL also ends a stopped process). */
    void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
        paused = false;
    }

    @Override
    public String toString() {
        return "broker " + id + (isRunning() ? " (pid " + pid() + (paused ? ", stopped" : "") + ")" : " (not running)");
    }
}

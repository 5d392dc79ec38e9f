package io.gregor.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One node of the cluster (ZooKeeper or a broker): {@code bin/gregor <args>} run with
 * {@code ip netns exec} in the node's namespace, in the node's own working directory. {@code ip}
 * and the launcher both exec, so the process's pid is the JVM's, and SIGKILL, SIGSTOP and SIGCONT
 * reach the JVM itself. Each start writes its output to a new file ({@code b1.log}, {@code b1.2.log}, ...).
 *
 * <p>The node knows whether the harness wants it down ({@link #kill()}, {@link #stop}), so that
 * {@link #exitedUnexpectedly()} tells a crash from a fault. Thread-safe: its methods are
 * synchronized; the fault thread drives it and the monitor reads it.
 */
final class NodeProcess {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "gft-kill-nodes"));
    }

    private final String name;
    private final String address;
    private final Path workDir;
    private final Path gregorHome;
    private final List<String> args;
    private final Map<String, String> env;
    private final String readyLine;
    private Process process;
    private Path logFile;
    private int starts;
    private boolean paused;
    private boolean wantedDown = true;
    private boolean exitReported;

    NodeProcess(String name, String address, Path workDir, Path gregorHome, List<String> args, Map<String, String> env, String readyLine)
        throws IOException {
        this.name = name;
        this.address = address;
        this.workDir = Files.createDirectories(workDir);
        this.gregorHome = gregorHome;
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.readyLine = readyLine;
    }

    String name() {
        return name;
    }

    String address() {
        return address;
    }

    /** Starts the process in the node's namespace without waiting for it to be ready. */
    synchronized void launch() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        starts++;
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Network.namespace(name),
            gregorHome.resolve("bin/gregor").toString()));
        command.addAll(args);
        logFile = workDir.resolve(name + (starts == 1 ? "" : "." + starts) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
        builder.environment().putAll(env);
        process = builder.start();
        RUNNING.add(process);
        Process p = process;
        p.onExit().thenRun(() -> RUNNING.remove(p));
        paused = false;
        wantedDown = false;
        exitReported = false;
    }

    /** Waits until the output holds the ready line (or, with no ready line, until {@code ready} is true). */
    void awaitReady(Duration timeout, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new HarnessException(name + " exited before it was ready; last lines:\n" + tail(30));
            }
            if (readyLine != null ? output().contains(readyLine) : ready.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new HarnessException(name + " not ready within " + timeout + "; last lines:\n" + tail(30));
    }

    /** SIGKILL, and waits until the process is gone. */
    synchronized void kill() throws InterruptedException {
        wantedDown = true;
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        paused = false;
    }

    /** SIGTERM (a controlled shutdown for a broker); SIGKILL if it has not exited within {@code timeout}. */
    synchronized boolean stop(Duration timeout) throws InterruptedException {
        wantedDown = true;
        if (process == null || !process.isAlive()) {
            return true;
        }
        if (paused) {
            signal("CONT");
            paused = false;
        }
        process.destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        return false;
    }

    /** SIGSTOP: every thread of the JVM stops; its sockets stay open. */
    synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    synchronized void resume() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    private void signal(String signal) {
        Shell.check("kill", "-" + signal, Long.toString(process.pid()));
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized boolean isPaused() {
        return paused && isRunning();
    }

    /**
     * The exit code of a process that exited although the harness did not stop it, once per start;
     * null otherwise.
     */
    synchronized Integer exitedUnexpectedly() {
        if (process == null || process.isAlive() || wantedDown || exitReported) {
            return null;
        }
        exitReported = true;
        return process.exitValue();
    }

    synchronized int starts() {
        return starts;
    }

    synchronized String output() {
        if (logFile == null) {
            return "";
        }
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of the current (or last) process's output. */
    String tail(int lines) {
        String[] all = output().split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    @Override
    public synchronized String toString() {
        return name + (isRunning() ? " (pid " + process.pid() + (paused ? ", stopped" : "") + ")" : " (down)");
    }
}

package io.gregor.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The test's side of a {@link StreamsInstance} running in its own JVM: starts it, reads the
 * events it printed, kills it with SIGKILL. Always {@link #close()} it.
 */
final class InstanceProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private InstanceProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code StreamsInstance args...} with the test classpath; its output goes to files in {@code scratch}. */
    static InstanceProcess start(String name, Path scratch, List<String> args) throws IOException {
        Path out = scratch.resolve(name + ".out");
        Path err = scratch.resolve(name + ".err");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.add("-Dlogback.configurationFile=" + resource("logback-child.xml"));
        command.add("-cp");
        // Surefire and failsafe start tests through a manifest-only jar but set java.class.path
        // to the real classpath, which is what the child needs.
        command.add(System.getProperty("java.class.path"));
        command.add(StreamsInstance.class.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
        return new InstanceProcess(name, process, out, err);
    }

    String name() {
        return name;
    }

    /** The last state it reported, or "" before the first. */
    String state() {
        String state = "";
        for (String[] event : events()) {
            if (event[0].equals("STATE")) {
                state = event[1];
            }
        }
        return state;
    }

    /** Its active tasks, as last reported. */
    Set<String> activeTasks() {
        return lastTasks(1);
    }

    /** Its standby tasks, as last reported. */
    Set<String> standbyTasks() {
        return lastTasks(2);
    }

    /** Every task it has ever reported as standby. */
    Set<String> everStandby() {
        Set<String> tasks = new TreeSet<>();
        for (String[] event : events()) {
            if (event[0].equals("TASKS") && !event[2].equals("-")) {
                tasks.addAll(List.of(event[2].split(",")));
            }
        }
        return tasks;
    }

    /** The events it printed, split on spaces; complete lines only (a kill may cut the last). */
    List<String[]> events() {
        String text;
        try {
            text = Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end).lines().map(l -> l.split(" ")).toList();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s gone after SIGKILL", name).isTrue();
    }

    /** What it logged, for assertion messages. */
    String stderr() {
        try {
            String text = Files.readString(stderr, StandardCharsets.UTF_8);
            return text.length() > 20_000 ? "..." + text.substring(text.length() - 20_000) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + state() + ", active " + activeTasks() + ", standby " + standbyTasks() + ")";
    }

    private Set<String> lastTasks(int field) {
        Set<String> tasks = Set.of();
        for (String[] event : events()) {
            if (event[0].equals("TASKS")) {
                tasks = event[field].equals("-") ? Set.of() : new TreeSet<>(List.of(event[field].split(",")));
            }
        }
        return tasks;
    }

    private static String resource(String name) {
        try {
            Path path = Path.of(InstanceProcess.class.getClassLoader().getResource(name).toURI());
            assertThat(path).exists();
            return path.toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

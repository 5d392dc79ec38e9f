package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The test's side of a {@link ChildConsumer}: starts it, reads what it printed, and kills it
 * with SIGKILL. Always {@link #close()} it.
 */
final class KillableMember implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private KillableMember(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static KillableMember start(String name, Path scratch, String bootstrapServers, String group, String topic, int sessionTimeoutMs)
        throws IOException {
        Path out = Files.createTempFile(scratch, name, ".out");
        Path err = Files.createTempFile(scratch, name, ".err");
        List<String> command = ChildJvm.command(ChildConsumer.class.getName(),
            List.of(bootstrapServers, group, topic, Integer.toString(sessionTimeoutMs), "90"));
        return new KillableMember(name, ChildJvm.start(command, out, err), out, err);
    }

    String name() {
        return name;
    }

    /** The partitions of the last assignment it reported. */
    Set<Integer> assignment() {
        Set<Integer> last = Set.of();
        for (String[] line : lines()) {
            if (line[0].equals("ASSIGNED")) {
                Set<Integer> partitions = new TreeSet<>();
                if (line.length > 2) {
                    for (String p : line[2].split(",")) {
                        partitions.add(Integer.parseInt(p));
                    }
                }
                last = partitions;
            }
        }
        return last;
    }

    /** What it reported processing and committing, under its name. */
    ProcessingLog log() {
        ProcessingLog log = new ProcessingLog();
        for (String[] line : lines()) {
            if (line[0].equals("RECORD") && line.length == 5) {
                log.add(new ProcessingLog.Processed(name, Integer.parseInt(line[2]), Long.parseLong(line[3]), line[4], Long.parseLong(line[1])));
            } else if (line[0].equals("COMMITTED") && line.length == 4) {
                log.add(new ProcessingLog.Committed(name, Integer.parseInt(line[2]), Long.parseLong(line[3]), Long.parseLong(line[1])));
            }
        }
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s gone after SIGKILL", name).isTrue();
    }

    /** Its stderr (log lines), for assertion messages. */
    String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Complete lines only: the last one may be cut off by a kill. */
    private List<String[]> lines() {
        String text;
        try {
            text = Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return text.substring(0, end).lines().map(l -> l.split(" ")).toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package io.gregor.faults;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The run's history as JSON Lines ({@code history.jsonl}, one {@link Op} per line, in the order the
 * harness learned of them). Thread-safe: producers' callbacks, consumers and the fault thread all
 * append. Times are milliseconds since the history was opened, on {@link System#nanoTime()}, so a
 * wall-clock step cannot reorder them.
 */
final class History implements AutoCloseable {
    private final BufferedWriter out;
    private final long startNanos = System.nanoTime();
    private final AtomicLong ids = new AtomicLong();
    private long lines;

    private History(BufferedWriter out) {
        this.out = out;
    }

    static History open(Path file) throws IOException {
        return new History(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** A fresh id for an invocation; its completion carries the same id. */
    long nextId() {
        return ids.incrementAndGet();
    }

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Appends the op, stamped with the current time; returns it as written. */
    Op append(Op op) {
        Op stamped = op.at(elapsedMs());
        String line;
        try {
            line = JSON.std.asString(stamped.toMap());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            try {
                out.write(line);
                out.write('\n');
                lines++;
                if (op.type().equals(Op.EVENT)) {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stamped;
    }

    synchronized long lines() {
        return lines;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /** Reads a history file back. */
    static List<Op> read(Path file) throws IOException {
        List<Op> ops = new ArrayList<>();
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.isBlank()) {
                    ops.add(Op.fromMap(JSON.std.mapFrom(line)));
                }
            }
        }
        return ops;
    }
}

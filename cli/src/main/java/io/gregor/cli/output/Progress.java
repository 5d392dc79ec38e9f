package io.gregor.cli.output;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of a large produce or consume on stderr: a line such as
 * {@code Produced 250000 records (125000/s)} at most once per interval, and a summary at the
 * end if any progress line was printed. Short runs and small inputs (fewer than
 * {@link #MIN_RECORDS} records, e.g. a slow pipe trickling a few lines) print nothing, and
 * nothing is printed while a person types at a terminal ({@code enabled} false), where it would
 * interleave with the input.
 * Whole lines rather than carriage returns, so that redirected stderr stays readable.
 */
public final class Progress {
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);
    public static final long MIN_RECORDS = 10_000;

    private final PrintWriter err;
    private final boolean enabled;
    private final String verb;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final long startNanos;
    private long lastReportNanos;
    private long lastReportCount;
    private boolean reported;

    /** @param verb past tense for the lines, e.g. "Produced" */
    public Progress(PrintWriter err, boolean enabled, String verb, LongSupplier nanoClock, long intervalNanos) {
        this.err = err;
        this.enabled = enabled;
        this.verb = verb;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
        this.startNanos = nanoClock.getAsLong();
        this.lastReportNanos = startNanos;
    }

    public static Progress start(PrintWriter err, boolean enabled, String verb) {
        return new Progress(err, enabled, verb, System::nanoTime, DEFAULT_INTERVAL_NANOS);
    }

    /** Call after each record or batch; cheap when no line is due. */
    public void update(long count) {
        if (!enabled) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (count < MIN_RECORDS || now - lastReportNanos < intervalNanos || count == lastReportCount) {
            return;
        }
        long rate = (count - lastReportCount) * TimeUnit.SECONDS.toNanos(1) / Math.max(1, now - lastReportNanos);
        err.println(verb + " " + count + " records (" + rate + "/s)");
        err.flush();
        lastReportNanos = now;
        lastReportCount = count;
        reported = true;
    }

    /** Prints the summary if progress lines were shown. */
    public void finish(long count) {
        if (!reported) {
            return;
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - startNanos);
        err.println(verb + " " + count + " records in " + String.format(java.util.Locale.ROOT, "%.1f", elapsedMs / 1000.0) + " s");
        err.flush();
    }
}

package io.gregor.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final AtomicLong nanos = new AtomicLong();
    private final StringWriter err = new StringWriter();

    private Progress progress(boolean enabled) {
        return new Progress(new PrintWriter(err), enabled, "Produced", nanos::get, TimeUnit.SECONDS.toNanos(2));
    }

    private void advanceSeconds(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void shouldStayQuietForShortRuns() {
        Progress progress = progress(true);
        progress.update(1000);
        advanceSeconds(1);
        progress.update(2000);
        progress.finish(2000);

        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldStayQuietForFewRecords() {
        Progress progress = progress(true);
        advanceSeconds(5);
        progress.update(Progress.MIN_RECORDS - 1);
        progress.finish(Progress.MIN_RECORDS - 1);

        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldReportCountAndRateOncePerIntervalThenSummarize() {
        Progress progress = progress(true);
        advanceSeconds(2);
        progress.update(100_000);
        progress.update(150_000);
        advanceSeconds(2);
        progress.update(300_000);
        advanceSeconds(1);
        progress.finish(350_000);

        assertThat(err.toString().lines()).containsExactly(
            "Produced 100000 records (50000/s)",
            "Produced 300000 records (100000/s)",
            "Produced 350000 records in 5.0 s");
    }

    @Test
    void shouldPrintNothingWhenDisabled() {
        Progress progress = progress(false);
        advanceSeconds(10);
        progress.update(5);
        progress.finish(5);

        assertThat(err.toString()).isEmpty();
    }
}

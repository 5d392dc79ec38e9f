package io.gregor.testsupport;

import java.lang.management.ManagementFactory;

/**
 * Checks that code allocates heap in proportion to its input: a fuzz target runs each input
 * within a budget of {@code fixedBytes + bytesPerInputByte * input length}, so that code
 * allocating from a length field it read (a 2 GB size prefix in a 20-byte input) fails the run
 * even when the heap happens to be large enough to hold it.
 *
 * <p>Counts the bytes the calling thread allocates (HotSpot's per-thread counter, exact to the
 * allocation buffer), so work handed to other threads is not counted; the fuzz targets run on
 * the calling thread (embedded channels, the log's own locks). Thread-safe; the counter is
 * per thread.
 */
public final class AllocationBudget {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long fixedBytes;
    private final long bytesPerInputByte;

    /**
     * @param fixedBytes        what any input may allocate (buffers of fixed size, first-use caches)
     * @param bytesPerInputByte what each input byte may add (parsed objects, copies)
     */
    public AllocationBudget(long fixedBytes, long bytesPerInputByte) {
        if (!THREADS.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("This JVM does not count allocated bytes per thread");
        }
        THREADS.setThreadAllocatedMemoryEnabled(true);
        this.fixedBytes = fixedBytes;
        this.bytesPerInputByte = bytesPerInputByte;
    }

    /** Something to run within the budget; it may throw what the code under test throws. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} and fails when it allocated more than the budget for {@code inputBytes}.
     * The first use of a class allocates megabytes once (loading it, and Jazzer instrumenting
     * it), so a run over the budget is repeated, and only a repeat over it too fails:
     * {@code body} must do the same when run twice (start from the same state). An exception
     * from {@code body} passes through (the caller judges it), after the check.
     *
     * @throws AssertionError when the budget was exceeded
     */
    public void check(int inputBytes, Body body) throws Exception {
        long limit = fixedBytes + bytesPerInputByte * inputBytes;
        Measured first = measure(body);
        Measured judged = first;
        if (first.allocated() > limit) {
            judged = measure(body);
            if (judged.allocated() > limit) {
                AssertionError error = new AssertionError("Allocated " + judged.allocated() + " bytes (" + first.allocated()
                    + " the first time) for an input of " + inputBytes + " bytes, more than the budget of " + limit + " ("
                    + fixedBytes + " + " + bytesPerInputByte + " per input byte)");
                if (judged.thrown() != null) {
                    error.addSuppressed(judged.thrown());
                }
                throw error;
            }
        }
        if (judged.thrown() != null) {
            throw judged.thrown();
        }
    }

    private record Measured(long allocated, Exception thrown) {
    }

    private static Measured measure(Body body) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Exception thrown = null;
        try {
            body.run();
        } catch (Exception e) {
            thrown = e;
        }
        return new Measured(THREADS.getCurrentThreadAllocatedBytes() - before, thrown);
    }
}

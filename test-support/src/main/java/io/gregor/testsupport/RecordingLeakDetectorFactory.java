package io.gregor.testsupport;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes every Netty leak detector report to a list as well as to the log, so that a test can
 * fail on a leak instead of printing {@code LEAK:} to a log nobody reads.
 *
 * <p>Netty creates its detectors in static initialisers ({@code AbstractByteBuf} has one for all
 * buffers), so {@link #install()} must run before the first buffer class is loaded; the JUnit
 * extension does it when JUnit loads it, before any test class.
 *
 * <p>Thread-safe: leaks are reported from whichever thread next tracks a resource.
 */
final class RecordingLeakDetectorFactory extends ResourceLeakDetectorFactory {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final List<RecordingDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    static synchronized void install() {
        if (!installed) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingLeakDetectorFactory());
            installed = true;
        }
    }

    /**
     * Makes each detector look at what the garbage collector has found so far. Detectors only
     * read their reference queue when they track a new resource, so this tracks (and at once
     * closes) a throw-away object on each.
     */
    static void pollDetectors() {
        for (RecordingDetector<?> detector : DETECTORS) {
            detector.poll();
        }
    }

    /** Returns and forgets the leaks reported since the last call. */
    static List<String> drainLeaks() {
        List<String> out = new ArrayList<>(LEAKS);
        LEAKS.removeAll(out);
        return out;
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
        RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
        DETECTORS.add(detector);
        return detector;
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @SuppressWarnings("unchecked")
        void poll() {
            // At paranoid level track() always records, and it first reports what the queue holds.
            T probe = (T) new Object();
            ResourceLeakTracker<T> tracker = track(probe);
            if (tracker != null) {
                tracker.close(probe);
            }
        }

        @Override
        protected boolean needReport() {
            // Report even when the logger for this class is off.
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + " leaked; recent access records:" + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType + " leaked (no access records: run with -Dio.netty.leakDetection.level=paranoid)");
            super.reportUntracedLeak(resourceType);
        }
    }
}

package io.gregor.testsupport;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class in which Netty found a leaked buffer (or any other tracked resource).
 *
 * <p>Registered for every test class of a module that has this jar on its test classpath, through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} (set for Surefire and Failsafe in
 * the parent pom, which also sets {@code io.netty.leakDetection.level=paranoid}, so every
 * buffer is tracked with its access records).
 *
 * <p>A leak is found only once the garbage collector has collected the buffer, so after each
 * test class this nudges the collector a few times, as Netty's own tests do, and then reads the
 * detectors. A leak the collector finds later is reported by a later class: the message names
 * where the buffer was last touched, which may be in an earlier class than the one that fails.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    private static final int GC_ROUNDS = 3;

    static {
        RecordingLeakDetectorFactory.install();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(10);
            RecordingLeakDetectorFactory.pollDetectors();
        }
        List<String> leaks = RecordingLeakDetectorFactory.drainLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) during or before "
                + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }
}

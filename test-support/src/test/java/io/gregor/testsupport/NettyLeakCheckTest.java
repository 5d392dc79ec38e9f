package io.gregor.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

class NettyLeakCheckTest {

    @Test
    void shouldFailTheTestClassWhenABufferIsNeverReleased() {
        Events containers = run(LeakingTests.class);

        List<Event> failed = containers.failed().list();
        assertThat(failed).hasSize(1);
        Throwable cause = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        assertThat(cause).isInstanceOf(AssertionError.class)
            .hasMessageContaining("ByteBuf leaked")
            .hasMessageContaining("LeakingTests.leakOneBuffer");
    }

    @Test
    void shouldPassWhenEveryBufferIsReleased() {
        Events containers = run(ReleasingTests.class);

        assertThat(containers.failed().count()).isZero();
        assertThat(containers.succeeded().count()).isPositive();
    }

    /** Runs the class with the extension, at the paranoid level whatever the build chose (-Dnetty.leak.level). */
    private static Events run(Class<?> testClass) {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(testClass))
                .execute()
                .containerEvents();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    /** Run only through the engine test kit above (Surefire does not pick nested classes). */
    static class LeakingTests {
        @Test
        void leakOneBuffer() {
            ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
            buffer.writeLong(42);
        }
    }

    static class ReleasingTests {
        @Test
        void releaseOneBuffer() {
            ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
            buffer.writeLong(42);
            buffer.release();
        }
    }
}

package io.gregor.testkit.internal;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class WarmupTest {

    /** The warm-up ignores missing classes, so a renamed one would silently stop helping: catch it here. */
    @Test
    void shouldNameOnlyClassesThatExist() {
        for (String name : Warmup.CLASSES) {
            assertThatCode(() -> Class.forName(name, false, Warmup.class.getClassLoader())).as(name).doesNotThrowAnyException();
        }
    }
}

package io.gregor.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void shouldKeepErrorsOnOneLine() {
        assertThat(Failures.oneLine("first\n  second\r\nthird")).isEqualTo("first second third");
    }

    @Test
    void shouldUnwrapFutureExceptions() {
        Throwable wrapped = new ExecutionException(new TopicExistsException("Topic 'x' already exists."));

        assertThat(Failures.explain(wrapped, null)).isEqualTo("Topic 'x' already exists.");
    }

    @Test
    void shouldNameTheFeatureBehindAnUnsupportedApi() {
        assertThat(Failures.explain(new UnsupportedVersionException("The node does not support DELETE_RECORDS"), null))
            .isEqualTo("the broker does not support deleting records (no DELETE_RECORDS API)");
        assertThat(Failures.explain(new UnsupportedVersionException("The node does not support OFFSET_FETCH"), null))
            .isEqualTo("the broker does not support consumer groups (no OFFSET_FETCH API)");
    }
}

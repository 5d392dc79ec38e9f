package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMemoryPoolTest {
    private final RequestMemoryPool pool = RequestMemoryPool.bounded(100);
    private final List<String> granted = new ArrayList<>();
    private final Object a = "a";
    private final Object b = "b";
    private final Object c = "c";
    private final Object d = "d";

    @Test
    void shouldGrantReservationsThatFit() {
        assertThat(reserve(a, 60)).isTrue();
        assertThat(reserve(b, 40)).isTrue();

        assertThat(pool.used()).isEqualTo(100);
        assertThat(pool.waiting()).isZero();
    }

    @Test
    void shouldLetOneConnectionPastTheBoundUntilItsFrameEnds() {
        // Given a full pool
        assertThat(reserve(a, 100)).isTrue();

        // When two more ask
        boolean first = reserve(b, 10);
        boolean second = reserve(c, 10);

        // Then the first gets the overdraft, and keeps getting memory until its frame ends; the second waits
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(reserve(b, 500)).as("the overdraft holder's next reservation").isTrue();
        assertThat(pool.used()).isEqualTo(610);

        // When the holder's frame ends while the pool is still full
        pool.release(b, 510, true);

        // Then the overdraft passes to the waiter
        assertThat(granted).containsExactly("c");
        assertThat(pool.used()).isEqualTo(110);
    }

    @Test
    void shouldServeARequestLargerThanTheWholePool() {
        assertThat(reserve(a, 1_000)).isTrue();
        assertThat(reserve(b, 1)).isFalse();

        pool.release(a, 1_000, true);

        assertThat(granted).containsExactly("b");
        assertThat(pool.used()).isEqualTo(1);
    }

    @Test
    void shouldNeverLetANewcomerOvertakeAWaiterEvenWhenItWouldFit() {
        // Given 50 bytes held, the overdraft taken, and a waiter for 60
        reserve(a, 50);
        reserve(b, 60);
        assertThat(reserve(c, 60)).isFalse();
        pool.release(a, 50, true);
        assertThat(granted).as("60 used by the overdraft holder: 60 more do not fit").isEmpty();

        // When a newcomer asks for 10, which would fit
        boolean newcomer = reserve(d, 10);

        // Then it waits behind the first waiter, and both are served in arrival order
        assertThat(newcomer).isFalse();
        pool.release(b, 60, true);
        assertThat(granted).containsExactly("c", "d");
        assertThat(pool.used()).isEqualTo(70);
    }

    @Test
    void shouldGrantSeveralWaitersAtOnceWhenEnoughIsReleased() {
        reserve(a, 90);
        reserve(b, 20);                       // the overdraft
        assertThat(reserve(c, 50)).isFalse();
        assertThat(reserve(d, 5)).isFalse();

        pool.release(a, 90, true);            // 20 used: c fits, then d

        assertThat(granted).containsExactly("c", "d");
        assertThat(pool.used()).isEqualTo(75);
    }

    @Test
    void shouldPassTheTurnToTheNextWaiterWhenOneIsCancelled() {
        reserve(a, 100);
        reserve(b, 1);
        reserve(c, 50);
        reserve(d, 10);

        assertThat(pool.cancel(c)).isTrue();
        pool.release(a, 100, true);

        assertThat(granted).containsExactly("d");
        assertThat(pool.cancel(c)).as("no longer waiting").isFalse();
    }

    @Test
    void shouldGrantEverythingWithoutCountingWhenUnbounded() {
        RequestMemoryPool unbounded = RequestMemoryPool.of(-1);

        assertThat(unbounded.isBounded()).isFalse();
        assertThat(unbounded.tryReserve(a, Long.MAX_VALUE / 2, () -> granted.add("a"))).isTrue();
        assertThat(unbounded.tryReserve(b, Long.MAX_VALUE / 2, () -> granted.add("b"))).isTrue();
        assertThat(unbounded.used()).isZero();
    }

    private boolean reserve(Object owner, long bytes) {
        return pool.tryReserve(owner, bytes, () -> granted.add((String) owner));
    }
}

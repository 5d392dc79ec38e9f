package io.gregor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    private static final List<FaultKind> ALL = Arrays.asList(FaultKind.values());

    private static List<PlannedFault> first(long seed, int n) {
        FaultSchedule schedule = new FaultSchedule(seed, 6_000, ALL);
        List<PlannedFault> faults = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            faults.add(schedule.next());
        }
        return faults;
    }

    @Test
    void shouldReplayTheSameFaultsForTheSameSeed() {
        assertThat(first(42, 40)).isEqualTo(first(42, 40));
        assertThat(first(42, 40)).isNotEqualTo(first(43, 40));
    }

    @Test
    void shouldRunEveryKindOnceInEachRound() {
        FaultSchedule schedule = new FaultSchedule(7, 6_000, ALL);
        for (int round = 1; round <= 3; round++) {
            Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
            for (int i = 0; i < ALL.size(); i++) {
                PlannedFault f = schedule.next();
                assertThat(f.round()).isEqualTo(round);
                kinds.add(f.kind());
            }
            assertThat(kinds).containsExactlyInAnyOrderElementsOf(ALL);
            assertThat(schedule.completedRounds()).isEqualTo(round);
        }
    }

    @Test
    void shouldHoldPausesAndCutsFromZooKeeperBeyondTheSessionTimeout() {
        for (PlannedFault f : first(99, 200)) {
            if (f.kind() == FaultKind.PAUSE || f.kind() == FaultKind.PARTITION_ZOOKEEPER) {
                assertThat(f.dwellMs()).as(f.toString()).isGreaterThan(6_000);
            }
            assertThat(f.dwellMs()).as(f.toString()).isBetween(2_000L, 10_000L);
            assertThat(f.gapMs()).isBetween(1_000L, 4_000L);
        }
    }

    @Test
    void shouldRunOnlyTheChosenKinds() {
        FaultSchedule schedule = new FaultSchedule(1, 6_000, List.of(FaultKind.KILL_ZOOKEEPER, FaultKind.DISK_FULL));
        Set<FaultKind> seen = EnumSet.noneOf(FaultKind.class);
        for (int i = 0; i < 10; i++) {
            seen.add(schedule.next().kind());
        }
        assertThat(seen).containsExactlyInAnyOrder(FaultKind.KILL_ZOOKEEPER, FaultKind.DISK_FULL);
    }
}

package io.gregor.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnavailabilityTest {

    @Test
    void shouldMeasureTheLongestGapBetweenAcknowledgementsAroundTheFault() {
        List<Long> acks = List.of(100L, 200L, 300L, 1_300L, 1_400L, 5_000L);

        assertThat(Unavailability.longestGap(acks, 250, 1_350)).as("300 -> 1300").isEqualTo(1_000);
        assertThat(Unavailability.longestGap(acks, 1_450, 1_460)).as("the gap that spans the window").isEqualTo(3_600);
        assertThat(Unavailability.longestGap(acks, 6_000, 7_000)).as("no acknowledgement after the fault").isEqualTo(-1);
        assertThat(Unavailability.longestGap(List.of(0L, 10_000L, 10_050L), 5_000, 10_100))
            .as("an outage that began 5 s before the fault is not this fault's").isEqualTo(50);
    }

    @Test
    void shouldReportTheWorstPartitionAndThePartitionsTheTargetLed() {
        List<Op> ops = new ArrayList<>();
        long id = 0;
        for (long t = 0; t <= 10_000; t += 50) {
            for (int p = 0; p < 2; p++) {
                boolean stalled = p == 1 && t > 2_000 && t < 6_000;
                if (!stalled) {
                    ops.add(Op.of(Op.OK, "producer-0.1", "send").id(++id).record("k", p, t, "v" + id).at(t));
                }
            }
        }
        PlannedFault plan = new PlannedFault(1, 1, FaultKind.KILL_LEADER, 3_000, 1_000, 0);
        FaultCycle cycle = new FaultCycle(plan, "b1 (leader)", List.of("k-1"), 2_000, 5_000, 7_000, List.of());

        Map<Integer, Unavailability.Figures> figures = Unavailability.compute(ops, List.of(cycle), List.of("k"));

        assertThat(figures.get(1)).isEqualTo(new Unavailability.Figures(4_000, "k-1", 4_000));
    }
}

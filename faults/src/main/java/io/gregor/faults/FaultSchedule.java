package io.gregor.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded fault schedule: rounds, each running every fault kind once in an order shuffled by a
 * {@link Random} of the seed, with dwell times and gaps drawn from it too. The same seed and session
 * timeout give the same sequence of kinds, dwells, gaps and choice seeds; the targets then follow
 * from the roles in the cluster at the moment of injection (the leader of the chosen partition now),
 * so a replay injects the same faults against the same roles. Wall-clock times shift with how long
 * each recovery takes; the schedule waits for recovery between faults instead of keeping times.
 * Not thread-safe.
 *
 * <p>Dwells depend on the ZooKeeper session timeout {@code S}: pauses and cuts from ZooKeeper
 * last {@code S + 1..4 s}, beyond the session; kills {@code 2 s..S} (a restart before and after the
 * old session expired); other partitions {@code 3 s..S + 4 s}; ZooKeeper down {@code 3..8 s}; a full
 * disk {@code 4..10 s}. Gaps are {@code 1..4 s}.
 */
final class FaultSchedule {
    private final Random random;
    private final long sessionTimeoutMs;
    private final List<FaultKind> kinds;
    private final List<FaultKind> round = new ArrayList<>();
    private int number;
    private int rounds;

    FaultSchedule(long seed, long sessionTimeoutMs, List<FaultKind> kinds) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds");
        }
        this.random = new Random(seed);
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.kinds = List.copyOf(kinds);
    }

    PlannedFault next() {
        if (round.isEmpty()) {
            round.addAll(kinds);
            Collections.shuffle(round, random);
            rounds++;
        }
        FaultKind kind = round.remove(0);
        long dwell = switch (kind) {
            case PAUSE, PARTITION_ZOOKEEPER -> sessionTimeoutMs + between(1_000, 4_000);
            case KILL_LEADER, KILL_FOLLOWER, KILL_CONTROLLER, KILL_COORDINATOR -> between(2_000, Math.max(3_000, sessionTimeoutMs));
            case PARTITION_LEADER, PARTITION_HALVES, ONE_WAY_DROP -> between(3_000, sessionTimeoutMs + 4_000);
            case KILL_ZOOKEEPER -> between(3_000, 8_000);
            case DISK_FULL -> between(4_000, 10_000);
        };
        return new PlannedFault(++number, rounds, kind, dwell, between(1_000, 4_000), random.nextLong());
    }

    /** Rounds whose every fault has been handed out. */
    int completedRounds() {
        return round.isEmpty() ? rounds : rounds - 1;
    }

    private long between(long min, long max) {
        return min + (long) (random.nextDouble() * (max - min));
    }
}

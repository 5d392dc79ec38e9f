package io.gregor.coordinator.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of a classic group, with the states each may be entered from (Kafka's transitions).
 * <pre>
 * Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance ──leader sync──▶ Stable
 *   ▲                    ▲    │ no members left                       │ member change            │
 *   └────────────────────┼────┘                                       ▼                          │
 *                        └────────────── member change / leave / session timeout ◀────────────────┘
 * Dead: the group was deleted or its coordinator moved away.
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String displayName;

    GroupState(String displayName) {
        this.displayName = displayName;
    }

    /** The name clients and tools show (ListGroups, DescribeGroups). */
    public String displayName() {
        return displayName;
    }

    Set<GroupState> validPrevious() {
        switch (this) {
            case EMPTY: return EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE: return EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE: return EnumSet.of(PREPARING_REBALANCE);
            case STABLE: return EnumSet.of(COMPLETING_REBALANCE);
            default: return EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
        }
    }
}

package io.gregor.faults;

/**
 * One fault of the schedule, fixed by the seed alone: its kind, how long it lasts, the quiet gap
 * after the cluster recovered, and the seed of the choices made when it is injected (which
 * partition, which broker of several with the role, which half).
 */
record PlannedFault(int number, int round, FaultKind kind, long dwellMs, long gapMs, long choiceSeed) {
    @Override
    public String toString() {
        return "#" + number + " " + kind.label() + " for " + dwellMs + " ms";
    }
}

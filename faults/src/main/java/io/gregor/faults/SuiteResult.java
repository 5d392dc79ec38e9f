package io.gregor.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A finished run: the checker's result (history and replica checks together), the fault cycles
 * with their unavailability figures, the nodes' exits the harness did not cause, and where the
 * report is.
 */
record SuiteResult(SuiteConfig config, CheckResult check, List<FaultCycle> cycles, Map<Integer, Unavailability.Figures> unavailability,
                   List<String> unexpectedExits, Map<String, Long> workload, long elapsedMs, Path report) {
    SuiteResult {
        cycles = List.copyOf(cycles);
        unavailability = Map.copyOf(unavailability);
        unexpectedExits = List.copyOf(unexpectedExits);
        workload = Map.copyOf(workload);
    }
}

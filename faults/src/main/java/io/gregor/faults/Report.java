package io.gregor.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a {@link SuiteResult} as {@code report.md} and as a short summary for the console. Stateless. */
final class Report {
    private Report() {
    }

    static String command(SuiteConfig c) {
        double minutes = c.duration().toMillis() / 60_000.0;
        return "bin/gregor-faults --minutes " + (minutes == Math.rint(minutes) ? Long.toString((long) minutes) : Double.toString(minutes))
            + " --seed " + c.seed() + " --brokers " + c.brokers() + (c.minRounds() > 0 ? " --min-rounds " + c.minRounds() : "")
            + " --rate " + c.ratePerProducer() + " --disk-mb " + c.diskMb()
            + c.brokerConfig().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> " --broker-config " + e.getKey() + "=" + e.getValue()).collect(Collectors.joining());
    }

    static String markdown(SuiteResult r) {
        SuiteConfig c = r.config();
        CheckResult check = r.check();
        StringBuilder md = new StringBuilder();
        md.append("# Fault suite report\n\n");
        md.append("- Command: `").append(command(c)).append("`\n");
        md.append("- Seed: ").append(c.seed()).append("; brokers: ").append(c.brokers()).append("; faults for ")
            .append(c.duration().toSeconds()).append(" s (run took ").append(r.elapsedMs() / 1000).append(" s)\n");
        md.append("- ZooKeeper session timeout: ").append(c.sessionTimeoutMs()).append(" ms; broker overrides: ")
            .append(c.brokerConfig().isEmpty() ? "none" : c.brokerConfig()).append("\n");
        md.append("- Workload: producers at ").append(c.ratePerProducer()).append(" records/s each (2 keyed, 1 unkeyed), 3 group members\n");
        md.append("- Verdict: **").append(check.clean() ? "no anomalies" : check.totalAnomalies() + " anomalies").append("**\n\n");

        md.append("## Workload\n\n| | |\n|---|---:|\n");
        check.orderedCounts().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        r.workload().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("| fault cycles | ").append(r.cycles().size()).append(" |\n\n");

        md.append("## Anomalies\n\n| kind | count |\n|---|---:|\n");
        for (Anomaly.Kind k : Anomaly.Kind.values()) {
            md.append("| ").append(k.name().toLowerCase().replace('_', ' ')).append(" | ").append(check.anomalies(k)).append(" |\n");
        }
        if (!check.examples().isEmpty()) {
            md.append("\nFirst examples of each kind:\n\n");
            for (Anomaly a : check.examples()) {
                md.append("- ").append(a.kind()).append(": ").append(a.description()).append("\n");
            }
        }

        md.append("\n## Faults by kind\n\n");
        md.append("Write outage: the longest time a partition of `").append(FaultSuite.KEYED)
            .append("` went without an acknowledged acks=all write (between two consecutive acknowledgements), from the injection until ")
            .append("the cluster was whole again; the worst partition per fault. Recovery: from healing to the cluster whole again ")
            .append("(every broker registered, every ISR full, every partition of `").append(FaultSuite.KEYED).append("` taking writes).\n\n");
        md.append("| fault | cycles | write outage min / median / max (s) | recovery median / max (s) | not recovered |\n");
        md.append("|---|---:|---|---|---:|\n");
        for (FaultKind k : FaultKind.values()) {
            List<FaultCycle> ofKind = r.cycles().stream().filter(cy -> cy.plan().kind() == k).toList();
            if (ofKind.isEmpty()) {
                continue;
            }
            List<Long> unavail = new ArrayList<>();
            List<Long> recovery = new ArrayList<>();
            long notRecovered = 0;
            for (FaultCycle cy : ofKind) {
                Unavailability.Figures f = r.unavailability().get(cy.plan().number());
                if (f != null && f.worstMs() >= 0) {
                    unavail.add(f.worstMs());
                }
                if (cy.recoveredAt() < 0) {
                    notRecovered++;
                } else {
                    recovery.add(cy.recoveryMs());
                }
            }
            md.append("| ").append(k.label()).append(" | ").append(ofKind.size()).append(" | ")
                .append(stats(unavail, true)).append(" | ").append(stats(recovery, false)).append(" | ").append(notRecovered).append(" |\n");
        }

        md.append("\n## Every fault\n\n| # | fault | target | dwell (s) | write outage (s), worst partition | of the partitions it led (s) | recovery (s) | notes |\n");
        md.append("|---:|---|---|---:|---|---:|---:|---|\n");
        for (FaultCycle cy : r.cycles()) {
            Unavailability.Figures f = r.unavailability().get(cy.plan().number());
            md.append("| ").append(cy.plan().number()).append(" | ").append(cy.plan().kind().label()).append(" | ")
                .append(cy.target().replace("|", "\\|"))
                .append(" | ").append(seconds(cy.plan().dwellMs())).append(" | ")
                .append(f == null || f.worstMs() < 0 ? "-" : seconds(f.worstMs()) + ", " + f.worstPartition()).append(" | ")
                .append(f == null || f.ledMs() < 0 ? "-" : seconds(f.ledMs())).append(" | ")
                .append(cy.recoveredAt() < 0 ? "not recovered" : seconds(cy.recoveryMs())).append(" | ")
                .append(String.join("; ", cy.notes())).append(" |\n");
        }

        md.append("\n## Node exits the harness did not cause\n\n");
        if (r.unexpectedExits().isEmpty()) {
            md.append("None.\n");
        } else {
            for (String e : r.unexpectedExits()) {
                md.append("```text\n").append(e).append("\n```\n");
            }
        }
        md.append("\nThe history is `history.jsonl` next to this report; each node's output is in its directory (`zk/`, `b0/`, ...).\n");
        return md.toString();
    }

    static String summary(SuiteResult r) {
        CheckResult check = r.check();
        StringBuilder s = new StringBuilder();
        s.append(String.format("%ngregor-faults seed %d: %d fault cycles, %d sends acknowledged (%d unknown), %d records drained, %s%n",
            r.config().seed(), r.cycles().size(), check.count("sends acknowledged"), check.count("sends with unknown outcome"),
            check.count("records read by the final drain"), check.clean() ? "no anomalies" : check.totalAnomalies() + " ANOMALIES"));
        for (Anomaly.Kind k : Anomaly.Kind.values()) {
            if (check.anomalies(k) > 0) {
                s.append(String.format("  %s: %d%n", k, check.anomalies(k)));
            }
        }
        check.examples().stream().limit(10).forEach(a -> s.append("  e.g. ").append(a.kind()).append(": ").append(a.description()).append('\n'));
        if (!r.unexpectedExits().isEmpty()) {
            s.append(String.format("  %d node exits the harness did not cause (see the report)%n", r.unexpectedExits().size()));
        }
        s.append("Report: ").append(r.report()).append('\n');
        return s.toString();
    }

    private static String stats(List<Long> values, boolean withMin) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Long> sorted = values.stream().sorted().toList();
        String median = seconds(sorted.get(sorted.size() / 2));
        String max = seconds(sorted.get(sorted.size() - 1));
        return withMin ? seconds(sorted.get(0)) + " / " + median + " / " + max : median + " / " + max;
    }

    private static String seconds(long ms) {
        return String.format("%.1f", ms / 1000.0);
    }
}

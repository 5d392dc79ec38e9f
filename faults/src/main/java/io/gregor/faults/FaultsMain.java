package io.gregor.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code bin/gregor-faults}: runs the fault suite, or checks a history file again.
 *
 * <pre>
 * bin/gregor-faults [--minutes N] [--seed S] [--brokers 3] [--out DIR] [--broker-config key=value]...
 *                   [--min-rounds N] [--disk-mb 256] [--rate 100] [--faults kill-leader,pause,...]
 * bin/gregor-faults --check history.jsonl
 * </pre>
 *
 * Exit codes: 0 no anomaly, 1 anomalies found, 2 a usage error, 3 the harness could not run (a
 * missing precondition such as root or network namespaces, a cluster that did not start).
 */
public final class FaultsMain {
    private FaultsMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        double minutes = 10;
        long seed = ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        int brokers = 3;
        Path out = null;
        Map<String, String> brokerConfig = new LinkedHashMap<>();
        int minRounds = 0;
        int diskMb = 256;
        int rate = 100;
        List<FaultKind> kinds = Arrays.asList(FaultKind.values());
        Path check = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    System.out.println(usage());
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--minutes" -> minutes = Double.parseDouble(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--brokers" -> brokers = Integer.parseInt(v);
                    case "--out" -> out = Path.of(v);
                    case "--broker-config" -> {
                        int eq = v.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--broker-config takes key=value, not '" + v + "'");
                        }
                        brokerConfig.put(v.substring(0, eq), v.substring(eq + 1));
                    }
                    case "--min-rounds" -> minRounds = Integer.parseInt(v);
                    case "--disk-mb" -> diskMb = Integer.parseInt(v);
                    case "--rate" -> rate = Integer.parseInt(v);
                    case "--faults" -> {
                        List<FaultKind> chosen = new ArrayList<>();
                        for (String label : v.split(",")) {
                            chosen.add(FaultKind.of(label.trim()));
                        }
                        kinds = chosen;
                    }
                    case "--check" -> check = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (rate <= 0 || minutes < 0 || diskMb < 0) {
                throw new IllegalArgumentException("--rate must be positive, --minutes and --disk-mb not negative");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage() + " (see --help)");
            return 2;
        }
        try {
            if (check != null) {
                CheckResult result = HistoryChecker.check(History.read(check));
                result.orderedCounts().forEach((k, n) -> System.out.println(k + ": " + n));
                result.examples().forEach(an -> System.out.println(an.kind() + ": " + an.description()));
                System.out.println(result.clean() ? "no anomalies" : result.totalAnomalies() + " anomalies");
                return result.clean() ? 0 : 1;
            }
            Path home = FaultSuite.gregorHome();
            if (out == null) {
                out = home.resolve("faults/target/runs")
                    .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-seed-" + seed);
            }
            SuiteConfig config = new SuiteConfig(Duration.ofMillis((long) (minutes * 60_000)), minRounds, seed, brokers,
                out.toAbsolutePath(), brokerConfig, diskMb, rate, kinds);
            SuiteResult result = new FaultSuite(config, home).run();
            return result.check().clean() ? 0 : 1;
        } catch (HarnessException e) {
            System.err.println("Error: " + e.getMessage());
            return 3;
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("Error: the harness failed: " + e);
            e.printStackTrace();
            return 3;
        }
    }

    static String usage() {
        return String.join("\n",
            "Usage: bin/gregor-faults [--minutes N] [--seed S] [--brokers 3] [--out DIR] [--broker-config key=value]...",
            "                         [--min-rounds N] [--disk-mb 256] [--rate 100] [--faults kind,kind,...]",
            "       bin/gregor-faults --check history.jsonl",
            "",
            "Starts ZooKeeper and N brokers (bin/gregor start), each in its own network namespace (needs root),",
            "runs idempotent acks=all producers and a consumer group against them while injecting faults from",
            "the seeded schedule, then heals, drains, compares the replicas and checks the history.",
            "Writes report.md, history.jsonl and every node's output to --out (default faults/target/runs/<time>-seed-S).",
            "",
            "  --minutes N          how long to inject faults (default 10)",
            "  --seed S             the fault schedule's seed (default: random, printed at the start)",
            "  --min-rounds N       at least N rounds of every fault kind, even past --minutes (default 0)",
            "  --broker-config k=v  a broker config for every broker, e.g. zookeeper.session.timeout.ms=6000",
            "  --disk-mb N          size of the last broker's log-dir tmpfs for disk-full (default 256; 0: none)",
            "  --rate N             records/s of each of the 3 producers (default 100)",
            "  --faults a,b         only these kinds: " + Arrays.stream(FaultKind.values()).map(FaultKind::label).toList(),
            "",
            "Exit codes: 0 no anomalies, 1 anomalies, 2 usage error, 3 the harness could not run.");
    }
}

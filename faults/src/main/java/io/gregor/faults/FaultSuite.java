package io.gregor.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * One run of the fault suite: a cluster in network namespaces ({@link Cluster}), workloads writing
 * the {@link History} (idempotent acks=all producers on a keyed and an unkeyed topic with replication
 * factor 3 and {@code min.insync.replicas=2}, a consumer group with manual commits), faults from the
 * seeded {@link FaultSchedule} until the duration is over, then healing, the final drain, the
 * replica comparison and the checks, and {@code report.md}.
 *
 * <p>Transactions are not implemented in Gregor yet, so there are no transactional producers or
 * read_committed consumers; they join the workload when transactions land.
 */
final class FaultSuite {
    static final String GROUP = "gft-group";
    static final String KEYED = "gft-keyed";
    static final String UNKEYED = "gft-unkeyed";
    static final List<String> TOPICS = List.of(KEYED, UNKEYED);
    private static final int KEYED_PARTITIONS = 6;
    private static final int UNKEYED_PARTITIONS = 3;
    private final SuiteConfig config;
    private final Path gregorHome;

    FaultSuite(SuiteConfig config, Path gregorHome) {
        this.config = config;
        this.gregorHome = gregorHome;
    }

    /** The checkout with {@code bin/gregor} and a built {@code cli/target/lib}. */
    static Path gregorHome() {
        String configured = System.getProperty("gregor.home", System.getenv().getOrDefault("GREGOR_HOME", ".."));
        Path home = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isExecutable(home.resolve("bin/gregor"))) {
            throw new HarnessException("no bin/gregor in " + home + " (set -Dgregor.home or GREGOR_HOME to the checkout)");
        }
        if (!Files.exists(home.resolve("cli/target/lib/.complete"))) {
            throw new HarnessException("Gregor is not built in " + home + " (cli/target/lib); run bin/gregor-faults, which builds it");
        }
        return home;
    }

    SuiteResult run() throws Exception {
        Preconditions.check();
        if (Files.isDirectory(config.out())) {
            try (var entries = Files.list(config.out())) {
                if (entries.findAny().isPresent()) {
                    throw new HarnessException("the output directory " + config.out() + " is not empty (choose a new --out)");
                }
            }
        }
        Files.createDirectories(config.out());
        System.out.printf("gregor-faults: seed %d (replay with --seed %d), %d brokers, faults for %d s, output in %s%n", config.seed(),
            config.seed(), config.brokers(), config.duration().toSeconds(), config.out());
        Thread cleanup = new Thread(Network::removeLeftovers, "gft-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<String> unexpectedExits = Collections.synchronizedList(new ArrayList<>());
        List<FaultCycle> cycles = new ArrayList<>();
        Map<String, Long> workload = new LinkedHashMap<>();
        Path historyFile = config.out().resolve("history.jsonl");
        CheckResult check = new CheckResult();
        List<ProducerWorkload> producers = new ArrayList<>();
        List<GroupMember> members = new ArrayList<>();
        long started = System.nanoTime();
        try (History history = History.open(historyFile)) {
            try (Cluster cluster = Cluster.start(config.out(), gregorHome, config.brokers(), config.brokerConfig(), config.diskMb())) {
                Thread monitor = monitor(cluster, history, unexpectedExits);
                Map<String, String> topicConfig = Map.of("min.insync.replicas", "2");
                cluster.createTopic(KEYED, KEYED_PARTITIONS, topicConfig);
                cluster.createTopic(UNKEYED, UNKEYED_PARTITIONS, topicConfig);
                AckClock acks = new AckClock(history);
                List<String> measured = new ArrayList<>();
                for (int p = 0; p < KEYED_PARTITIONS; p++) {
                    measured.add(KEYED + "-" + p);
                }
                FaultInjector injector = new FaultInjector(cluster, history, TOPICS, GROUP, acks, measured);
                if (!injector.awaitHealthy(Duration.ofSeconds(60), -1)) {
                    throw new HarnessException("the topics did not get leaders and full ISRs within 60 s of their creation");
                }
                producers.add(new ProducerWorkload(history, acks, cluster.bootstrapServers(), "producer-0", KEYED, true, 64, config.ratePerProducer()));
                producers.add(new ProducerWorkload(history, acks, cluster.bootstrapServers(), "producer-1", KEYED, true, 64, config.ratePerProducer()));
                producers.add(new ProducerWorkload(history, acks, cluster.bootstrapServers(), "producer-2", UNKEYED, false, 0, config.ratePerProducer()));
                for (int i = 0; i < 3; i++) {
                    members.add(new GroupMember(history, cluster.bootstrapServers(), GROUP, TOPICS, "member-" + i));
                }
                producers.forEach(ProducerWorkload::start);
                members.forEach(GroupMember::start);
                Thread.sleep(10_000);

                FaultSchedule schedule = new FaultSchedule(config.seed(), config.sessionTimeoutMs(), config.kinds());
                long faultsUntil = System.nanoTime() + config.duration().toNanos();
                while (System.nanoTime() < faultsUntil || schedule.completedRounds() < config.minRounds()) {
                    PlannedFault plan = schedule.next();
                    FaultCycle cycle = injector.run(plan);
                    cycles.add(cycle);
                    System.out.printf("[%6.1f s]   healed; whole again %s%s%n", history.elapsedMs() / 1000.0,
                        cycle.recoveredAt() < 0 ? "NOT within the wait" : "after " + cycle.recoveryMs() + " ms",
                        cycle.notes().isEmpty() ? "" : "; " + String.join("; ", cycle.notes()));
                    Thread.sleep(plan.gapMs());
                }

                // Heal whatever is left, let the workload run on a whole cluster, then stop it.
                List<String> finalNotes = new ArrayList<>();
                injector.healAll(finalNotes);
                boolean whole = injector.awaitHealthy(Duration.ofSeconds(180), history.elapsedMs());
                history.append(Op.of(Op.EVENT, "nemesis", whole ? "final-heal" : "final-heal-incomplete"));
                finalNotes.forEach(n -> System.out.println("final heal: " + n));
                Thread.sleep(10_000);
                for (ProducerWorkload p : producers) {
                    p.close();
                    workload.merge("producer errors (info/fail sends)", p.errors(), Long::sum);
                    workload.merge("producer incarnations", p.incarnations(), Long::sum);
                }
                for (GroupMember m : members) {
                    m.close();
                    workload.merge("group member incarnations", m.incarnations(), Long::sum);
                }
                monitor.interrupt();

                List<TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < KEYED_PARTITIONS; p++) {
                    partitions.add(new TopicPartition(KEYED, p));
                }
                for (int p = 0; p < UNKEYED_PARTITIONS; p++) {
                    partitions.add(new TopicPartition(UNKEYED, p));
                }
                injector.awaitHealthy(Duration.ofSeconds(120), -1);
                Map<TopicPartition, Long> end = Drain.readAll(history, cluster.bootstrapServers(), partitions, Duration.ofSeconds(180));
                Drain.readCommitted(history, cluster.admin(), GROUP);
                awaitCheckpoints(cluster, end);
                cluster.stopAll(Duration.ofSeconds(60));
                check.addAll(ReplicaCheck.compare(cluster.logDirs(), end));
            }
        } finally {
            // After a harness failure the workloads may still run; they must not outlive the run.
            producers.forEach(ProducerWorkload::abort);
            members.forEach(GroupMember::abort);
            Network.removeLeftovers();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // The JVM is shutting down; the hook runs anyway.
            }
        }
        List<Op> ops = History.read(historyFile);
        CheckResult historyCheck = HistoryChecker.check(ops);
        historyCheck.addAll(check);
        Map<Integer, Unavailability.Figures> unavailability = Unavailability.compute(ops, cycles, List.of(KEYED));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        Path report = config.out().resolve("report.md");
        SuiteResult result = new SuiteResult(config, historyCheck, cycles, unavailability, unexpectedExits, workload, elapsed, report);
        Files.writeString(report, Report.markdown(result));
        System.out.println(Report.summary(result));
        return result;
    }

    /** Records exits of nodes that the harness did not kill or stop (crashes), with their last lines. */
    private static Thread monitor(Cluster cluster, History history, List<String> exits) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                List<NodeProcess> nodes = new ArrayList<>(cluster.brokers());
                nodes.add(cluster.zookeeper());
                for (NodeProcess n : nodes) {
                    Integer code = n.exitedUnexpectedly();
                    if (code != null) {
                        Op op = history.append(Op.of(Op.EVENT, "nemesis", "crash").value(n.name()).error("exit code " + code));
                        String tail = n.tail(15);
                        exits.add(String.format("t=%.1f s: %s (start %d) exited with code %d; last lines:%n%s", op.t() / 1000.0, n.name(),
                            n.starts(), code, tail));
                        System.out.printf("[%6.1f s] %s exited on its own (code %d)%n", op.t() / 1000.0, n.name(), code);
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gft-monitor");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until every broker has checkpointed each partition's high watermark at its end, so the logs compared cover everything read. */
    private static void awaitCheckpoints(Cluster cluster, Map<TopicPartition, Long> end) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Path dir : cluster.logDirs().values()) {
                for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                    var hw = ReplicaCheck.checkpointedHighWatermark(dir, e.getKey());
                    all &= hw.isPresent() && hw.getAsLong() >= e.getValue();
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(250);
        }
        // The replica check reports the replicas that stayed behind.
    }
}

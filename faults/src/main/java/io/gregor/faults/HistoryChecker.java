package io.gregor.faults;

import io.gregor.faults.Anomaly.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a run's {@link History} against what Kafka promises an idempotent acks=all producer and a
 * consumer group, independently of how the run went. Values are unique per send (producer,
 * incarnation, sequence), so every read tells which send it came from.
 *
 * <ul>
 *   <li>{@link Kind#LOST}: a send acknowledged at {@code topic-p@offset} is not what the final drain
 *       read there.</li>
 *   <li>{@link Kind#DUPLICATE}: one value read at two offsets (whether its send was acknowledged or
 *       unknown: an unknown send may appear once, never twice).</li>
 *   <li>{@link Kind#INCONSISTENT_OFFSET}: one offset read with two values (by any readers), or a value
 *       read elsewhere than where it was acknowledged.</li>
 *   <li>{@link Kind#PHANTOM}: a value read that no send wrote, or whose send failed for certain.</li>
 *   <li>{@link Kind#NON_MONOTONIC_READ}: a consumer read a partition at an offset not above its
 *       previous one without an assignment in between.</li>
 *   <li>{@link Kind#COMMIT_BACKWARDS}: a commit, or the committed offset read back, lower than a
 *       commit acknowledged before it was invoked (real-time order; overlapping commits are not
 *       ordered).</li>
 *   <li>{@link Kind#SPLIT_OWNERSHIP}: two members assigned one partition in one generation.</li>
 *   <li>{@link Kind#INCOMPLETE}: no final drain in the history, or a drain that stopped short.</li>
 * </ul>
 *
 * Stateless; {@link #check} may run on any thread.
 */
final class HistoryChecker {
    static final String DRAIN = "drain";

    private HistoryChecker() {
    }

    private static final class Send {
        final Op invoke;
        Op completion;

        Send(Op invoke) {
            this.invoke = invoke;
        }

        String outcome() {
            return completion == null ? Op.INFO : completion.type();
        }
    }

    private record Commit(long invokeT, long okT, long offset, String proc, int gen) {
    }

    static CheckResult check(List<Op> ops) {
        CheckResult result = new CheckResult();
        Map<String, Send> sends = new HashMap<>();
        Map<Long, Long> invokeTimes = new HashMap<>();
        Map<String, String> atOffset = new HashMap<>();
        Set<String> reportedOffsets = new HashSet<>();
        Map<String, Set<String>> locations = new HashMap<>();
        Map<String, String> drained = new HashMap<>();
        Map<String, Long> lastRead = new HashMap<>();
        Map<String, List<Commit>> commits = new HashMap<>();
        Map<String, List<Commit>> committedReads = new HashMap<>();
        Map<String, Set<String>> owners = new HashMap<>();
        Set<String> generations = new TreeSet<>();
        boolean drainSeen = false;

        for (Op op : ops) {
            if (op.type().equals(Op.INVOKE)) {
                invokeTimes.put(op.id(), op.t());
            }
            switch (op.f()) {
                case "send" -> {
                    if (op.type().equals(Op.INVOKE)) {
                        sends.put(op.value(), new Send(op));
                        result.count("sends invoked", 1);
                    } else {
                        Send s = sends.get(op.value());
                        if (s != null && s.completion == null) {
                            s.completion = op;
                        }
                    }
                }
                case "read" -> {
                    if (!op.type().equals(Op.OK)) {
                        continue;
                    }
                    boolean drain = op.proc().equals(DRAIN);
                    result.count(drain ? "records read by the final drain" : "records read by group members", 1);
                    String loc = op.partitionKey() + "@" + op.offset();
                    String before = atOffset.putIfAbsent(loc, op.value());
                    if (before != null && !before.equals(op.value()) && reportedOffsets.add(loc)) {
                        result.add(Kind.INCONSISTENT_OFFSET, loc + " read as " + before + " and as " + op.value() + " (by " + op.proc() + ")");
                    }
                    locations.computeIfAbsent(op.value(), v -> new LinkedHashSet<>()).add(loc);
                    if (drain) {
                        drained.putIfAbsent(loc, op.value());
                    }
                    Send s = sends.get(op.value());
                    if (s == null) {
                        result.add(Kind.PHANTOM, op.proc() + " read " + op.value() + " at " + loc + ", which no send wrote");
                    } else if (s.outcome().equals(Op.FAIL)) {
                        result.add(Kind.PHANTOM, op.proc() + " read " + op.value() + " at " + loc + ", whose send failed: " + s.completion.error());
                    }
                    String key = op.proc() + "|" + op.partitionKey();
                    Long last = lastRead.put(key, op.offset());
                    if (last != null && op.offset() <= last) {
                        result.add(Kind.NON_MONOTONIC_READ, op.proc() + " read " + op.partitionKey() + " at offset " + op.offset()
                            + " after offset " + last + " without a new assignment (t=" + op.t() + " ms)");
                    }
                }
                case "assign" -> {
                    if (op.proc().equals(DRAIN)) {
                        drainSeen = true;
                    }
                    lastRead.keySet().removeIf(k -> k.startsWith(op.proc() + "|"));
                    if (op.gen() >= 0 && op.parts() != null) {
                        generations.add(Integer.toString(op.gen()));
                        for (String part : op.parts()) {
                            owners.computeIfAbsent(op.gen() + "|" + part, k -> new TreeSet<>()).add(op.member());
                        }
                    }
                }
                case "commit" -> {
                    if (op.type().equals(Op.OK)) {
                        result.count("commits acknowledged", 1);
                        commits.computeIfAbsent(op.partitionKey(), k -> new ArrayList<>())
                            .add(new Commit(invokeTimes.getOrDefault(op.id(), op.t()), op.t(), op.offset(), op.proc(), op.gen()));
                    }
                }
                case "committed" -> {
                    if (op.type().equals(Op.OK)) {
                        committedReads.computeIfAbsent(op.partitionKey(), k -> new ArrayList<>())
                            .add(new Commit(invokeTimes.getOrDefault(op.id(), op.t()), op.t(), op.offset(), op.proc(), -1));
                    }
                }
                case "drain-end" -> {
                    if (op.error() != null) {
                        result.add(Kind.INCOMPLETE, "the final drain stopped short: " + op.error());
                    }
                }
                default -> {
                }
            }
        }

        long acked = 0;
        long unknown = 0;
        long unknownWritten = 0;
        long failed = 0;
        for (Send s : sends.values()) {
            switch (s.outcome()) {
                case Op.OK -> {
                    acked++;
                    String ackLoc = s.completion.partitionKey() + "@" + s.completion.offset();
                    Set<String> where = locations.getOrDefault(s.invoke.value(), Set.of());
                    if (!where.isEmpty() && !where.contains(ackLoc)) {
                        result.add(Kind.INCONSISTENT_OFFSET, s.invoke.value() + " acknowledged at " + ackLoc + " but read at " + where);
                    }
                    String there = drained.get(ackLoc);
                    if (drainSeen && !s.invoke.value().equals(there)) {
                        result.add(Kind.LOST, s.invoke.value() + " acknowledged at " + ackLoc + " (t=" + s.completion.t() + " ms) but the drain read "
                            + (there == null ? "nothing there" : there + " there"));
                    }
                }
                case Op.FAIL -> failed++;
                default -> {
                    unknown++;
                    if (locations.containsKey(s.invoke.value())) {
                        unknownWritten++;
                    }
                }
            }
        }
        if (!drainSeen) {
            result.add(Kind.INCOMPLETE, "the history has no final drain, so lost records cannot be told");
        }
        result.count("sends acknowledged", acked);
        result.count("sends failed", failed);
        result.count("sends with unknown outcome", unknown);
        result.count("unknown sends found written", unknownWritten);
        result.count("distinct values read", locations.size());
        result.count("generations seen", generations.size());

        for (Map.Entry<String, Set<String>> e : locations.entrySet()) {
            if (e.getValue().size() > 1) {
                result.add(Kind.DUPLICATE, e.getKey() + " read at " + e.getValue());
            }
        }
        checkCommits(commits, committedReads, result);
        owners.forEach((key, members) -> {
            if (members.size() > 1) {
                String[] parts = key.split("\\|", 2);
                result.add(Kind.SPLIT_OWNERSHIP, parts[1] + " assigned to " + members + " in generation " + parts[0]);
            }
        });
        return result;
    }

    /** Each commit and committed-offset read against the highest commit acknowledged before it was invoked. */
    private static void checkCommits(Map<String, List<Commit>> commits, Map<String, List<Commit>> reads, CheckResult result) {
        for (Map.Entry<String, List<Commit>> e : commits.entrySet()) {
            List<Commit> byOk = new ArrayList<>(e.getValue());
            byOk.sort(Comparator.comparingLong(Commit::okT));
            long[] okTimes = new long[byOk.size()];
            long[] maxOffset = new long[byOk.size()];
            Commit[] maxCommit = new Commit[byOk.size()];
            for (int i = 0; i < byOk.size(); i++) {
                okTimes[i] = byOk.get(i).okT();
                boolean higher = i == 0 || byOk.get(i).offset() > maxOffset[i - 1];
                maxOffset[i] = higher ? byOk.get(i).offset() : maxOffset[i - 1];
                maxCommit[i] = higher ? byOk.get(i) : maxCommit[i - 1];
            }
            List<Commit> toCheck = new ArrayList<>(e.getValue());
            toCheck.addAll(reads.getOrDefault(e.getKey(), List.of()));
            for (Commit c : toCheck) {
                int i = lastBefore(okTimes, c.invokeT());
                if (i >= 0 && c.offset() < maxOffset[i]) {
                    Commit m = maxCommit[i];
                    result.add(Kind.COMMIT_BACKWARDS, e.getKey() + ": " + (c.gen() < 0 ? "committed offset read back as " : "commit of ")
                        + c.offset() + " by " + c.proc() + (c.gen() < 0 ? "" : " (generation " + c.gen() + ")") + " at t=" + c.invokeT()
                        + " ms after " + m.offset() + " was committed by " + m.proc() + " (generation " + m.gen() + ") at t=" + m.okT() + " ms");
                }
            }
        }
    }

    /** The index of the last element below {@code t}, -1 if none. */
    private static int lastBefore(long[] sorted, long t) {
        int i = Arrays.binarySearch(sorted, t);
        if (i < 0) {
            return -i - 2;
        }
        while (i >= 0 && sorted[i] >= t) {
            i--;
        }
        return i;
    }
}

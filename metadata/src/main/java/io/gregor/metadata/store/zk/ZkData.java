package io.gregor.metadata.store.zk;

import io.gregor.metadata.BrokerRegistration;
import io.gregor.metadata.Endpoint;
import io.gregor.metadata.PartitionState;
import io.gregor.metadata.store.ReplicaAssignment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The JSON of each ZooKeeper node, in Kafka's ZooKeeper-era formats (see {@link ZkPaths}), so
 * that Kafka's tools read them. Encoders and decoders of the same node sit next to each other.
 */
final class ZkData {
    /** The widest range {@link #parseRanges} takes: more partitions than any topic has, few enough to expand. */
    private static final int MAX_RANGE = 1 << 20;

    private ZkData() {
    }

    /** A topic node: its id and replica assignment. */
    record TopicNode(Uuid topicId, ReplicaAssignment assignment) {
    }

    static byte[] brokerRegistration(BrokerRegistration registration) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 5);
        List<Endpoint> endpoints = registration.endpoints();
        Endpoint first = endpoints.isEmpty() ? null : endpoints.get(0);
        m.put("host", first == null ? "" : first.host());
        m.put("port", first == null ? -1 : first.port());
        List<String> uris = new ArrayList<>();
        Map<String, String> protocols = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            uris.add(e.uri());
            protocols.put(e.listenerName(), "PLAINTEXT");
        }
        m.put("endpoints", uris);
        m.put("listener_security_protocol_map", protocols);
        m.put("rack", registration.rack());
        m.put("jmx_port", -1);
        m.put("timestamp", Long.toString(registration.timestampMs()));
        return Json.write(m);
    }

    static BrokerRegistration brokerRegistration(int id, byte[] data) {
        Map<String, Object> m = Json.read(data);
        List<Endpoint> endpoints = new ArrayList<>();
        if (m.get("endpoints") instanceof List<?> list) {
            for (Object o : list) {
                endpoints.add(Endpoint.parse(String.valueOf(o)));
            }
        }
        Object rack = m.get("rack");
        return new BrokerRegistration(id, List.copyOf(endpoints), rack == null ? null : rack.toString(),
            Json.longValue(m.get("timestamp"), 0));
    }

    static byte[] partitionState(PartitionState state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("controller_epoch", state.controllerEpoch());
        m.put("leader", state.leader());
        m.put("version", 1);
        m.put("leader_epoch", state.leaderEpoch());
        m.put("isr", state.isr());
        m.put("partition_epoch", state.partitionEpoch());
        return Json.write(m);
    }

    static PartitionState partitionState(byte[] data) {
        Map<String, Object> m = Json.read(data);
        return new PartitionState(Json.intValue(m.get("leader"), PartitionState.NO_LEADER), Json.intValue(m.get("leader_epoch"), 0),
            Json.intList(m.get("isr")), Json.intValue(m.get("controller_epoch"), 0), Json.intValue(m.get("partition_epoch"), 0));
    }

    static byte[] topic(Uuid topicId, ReplicaAssignment assignment) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 3);
        m.put("topic_id", topicId.toString());
        m.put("partitions", replicaMap(assignment.replicas()));
        m.put("adding_replicas", replicaMap(assignment.adding()));
        m.put("removing_replicas", replicaMap(assignment.removing()));
        return Json.write(m);
    }

    /** A topic node; its id is null when the node has none (written by a foreign tool, or not yet). */
    static TopicNode topic(byte[] data) {
        Map<String, Object> m = Json.read(data);
        Object id = m.get("topic_id");
        return new TopicNode(id == null ? null : Uuid.fromString(id.toString()), new ReplicaAssignment(
            readReplicaMap(m.get("partitions")), readReplicaMap(m.get("adding_replicas")), readReplicaMap(m.get("removing_replicas"))));
    }

    private static Map<String, Object> replicaMap(Map<Integer, List<Integer>> replicas) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : new TreeMap<>(replicas).entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(Integer.toString(e.getKey()), e.getValue());
            }
        }
        return out;
    }

    private static Map<Integer, List<Integer>> readReplicaMap(Object json) {
        Map<Integer, List<Integer>> out = new HashMap<>();
        if (json instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(Integer.parseInt(e.getKey().toString()), Json.intList(e.getValue()));
            }
        }
        return out;
    }

    static byte[] config(Map<String, String> configs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("config", new TreeMap<>(configs));
        return Json.write(m);
    }

    static Map<String, String> config(byte[] data) {
        Map<String, String> out = new HashMap<>();
        if (Json.read(data).get("config") instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(e.getKey().toString(), e.getValue() == null ? null : e.getValue().toString());
            }
        }
        return out;
    }

    static byte[] controller(int brokerId, long timestampMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("brokerid", brokerId);
        m.put("timestamp", Long.toString(timestampMs));
        return Json.write(m);
    }

    static int controllerId(byte[] data) {
        return Json.intValue(Json.read(data).get("brokerid"), -1);
    }

    static byte[] controllerEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    static int controllerEpoch(byte[] data) {
        return Integer.parseInt(new String(data, StandardCharsets.UTF_8).trim());
    }

    static byte[] clusterId(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", "1");
        m.put("id", id);
        return Json.write(m);
    }

    static String clusterId(byte[] data) {
        return String.valueOf(Json.read(data).get("id"));
    }

    static byte[] producerIdBlock(int brokerId, long start, long end) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("version", 1);
        block.put("broker", brokerId);
        block.put("block_start", Long.toString(start));
        block.put("block_end", Long.toString(end));
        return Json.write(block);
    }

    /** The last producer id of a block node, or -1 when it has none. */
    static long producerIdBlockEnd(byte[] data) {
        return Json.longValue(Json.read(data).get("block_end"), -1);
    }

    /** A bucket of {@code /gregor/log_ends/<id>}: partition numbers by topic id, as ranges ("0-3,7"). */
    static byte[] logEnds(Map<Uuid, Set<Integer>> partitions) {
        Map<String, Object> byTopic = new TreeMap<>();
        partitions.forEach((id, numbers) -> {
            if (!numbers.isEmpty()) {
                byTopic.put(id.toString(), ranges(new TreeSet<>(numbers)));
            }
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("partitions", byTopic);
        return Json.write(m);
    }

    static Map<Uuid, Set<Integer>> logEnds(byte[] data) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        if (Json.read(data).get("partitions") instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(Uuid.fromString(e.getKey().toString()), parseRanges(String.valueOf(e.getValue())));
            }
        }
        return out;
    }

    /** Sorted numbers as comma-separated ranges: 0,1,2,3,7 is "0-3,7". */
    static String ranges(SortedSet<Integer> numbers) {
        StringBuilder out = new StringBuilder();
        Integer start = null;
        int previous = 0;
        for (int n : numbers) {
            if (start != null && n == previous + 1) {
                previous = n;
                continue;
            }
            if (start != null) {
                appendRange(out, start, previous);
            }
            start = n;
            previous = n;
        }
        if (start != null) {
            appendRange(out, start, previous);
        }
        return out.toString();
    }

    private static void appendRange(StringBuilder out, int first, int last) {
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append(first);
        if (last != first) {
            out.append('-').append(last);
        }
    }

    /** @throws IllegalArgumentException for anything but ranges of partition numbers */
    static Set<Integer> parseRanges(String ranges) {
        Set<Integer> out = new TreeSet<>();
        for (String range : ranges.split(",")) {
            String r = range.trim();
            if (r.isEmpty()) {
                continue;
            }
            int dash = r.indexOf('-');
            int first = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
            int last = dash < 0 ? first : Integer.parseInt(r.substring(dash + 1));
            if (first < 0 || last < first || last - first > MAX_RANGE) {
                throw new IllegalArgumentException("Invalid partition range '" + r + "'");
            }
            for (int n = first; n <= last; n++) {
                out.add(n);
            }
        }
        return out;
    }

    /** Data of an election entry: the candidate's broker id. */
    static byte[] electionEntry(int brokerId) {
        return Integer.toString(brokerId).getBytes(StandardCharsets.UTF_8);
    }
}

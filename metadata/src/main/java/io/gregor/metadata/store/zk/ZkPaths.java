package io.gregor.metadata.store.zk;

/**
 * The ZooKeeper layout, following Kafka's ZooKeeper-era layout so that it reads familiarly:
 * <pre>
 * /cluster/id                                   {"version":"1","id":"&lt;cluster id&gt;"}
 * /controller                                   ephemeral {"version":1,"brokerid":N,"timestamp":"..."}
 * /controller_epoch                             "N" (incremented by each new controller)
 * /controller_election/...                      Curator leader-latch nodes
 * /brokers/ids/&lt;id&gt;                             ephemeral broker registration (endpoints, rack)
 * /brokers/topics/&lt;topic&gt;                       {"version":3,"topic_id":"...","partitions":{"0":[1,2]}}
 * /brokers/topics/&lt;topic&gt;/partitions/&lt;p&gt;/state {"leader":1,"leader_epoch":0,"isr":[1,2],
 *                                                "controller_epoch":1,"partition_epoch":0,"version":1}
 * /config/topics/&lt;topic&gt;                        {"version":1,"config":{...}}
 * /config/brokers/&lt;id&gt; or &lt;default&gt;            {"version":1,"config":{...}} (dynamic broker configs)
 * /admin/delete_topics/&lt;topic&gt;                  deletion requests, carried out by the controller
 * /latest_producer_id_block                     {"version":1,"broker":N,"block_start":"..","block_end":".."}
 * /gregor/log_ends/&lt;id&gt;/&lt;bucket&gt;                {"version":1,"partitions":{"&lt;topic id&gt;":"0-3,7"}}
 * </pre>
 * An optional chroot comes from {@code zookeeper.connect} ({@code host:2181/gregor}). What each
 * node holds is encoded and decoded by {@link ZkData}.
 *
 * <p>{@code /gregor} holds what is Gregor's own, which Kafka's layout has no place for.
 * {@code /gregor/log_ends/<id>} lists, per topic id, the partitions whose records were on broker
 * {@code id} alone (see {@link io.gregor.metadata.store.LogEndsStore}), as ranges of partition
 * numbers. It is split over up to {@value ZkLogEndsStore#BUCKETS} child nodes by topic id
 * ({@code 0} .. {@code 15}, missing when empty), so that a node stays far below ZooKeeper's 1 MiB
 * limit (30,000 single-partition topics make buckets of about 56 KB) and a change rewrites only
 * the buckets it touches. A healthy cluster whose topics have several in-sync replicas has no buckets.
 * The node {@code /gregor/log_ends/<id>} itself exists once broker {@code id} recorded anything,
 * even that no partition is on it alone; without it, the broker never recorded (an older Gregor).
 */
public final class ZkPaths {
    public static final String CLUSTER_ID = "/cluster/id";
    public static final String CONTROLLER = "/controller";
    public static final String CONTROLLER_EPOCH = "/controller_epoch";
    public static final String CONTROLLER_ELECTION = "/controller_election";
    public static final String BROKERS = "/brokers";
    public static final String BROKER_IDS = "/brokers/ids";
    public static final String TOPICS = "/brokers/topics";
    public static final String CONFIG = "/config";
    public static final String TOPIC_CONFIGS = "/config/topics";
    public static final String BROKER_CONFIGS = "/config/brokers";
    public static final String DELETE_TOPICS = "/admin/delete_topics";
    public static final String PRODUCER_ID_BLOCK = "/latest_producer_id_block";
    public static final String GREGOR = "/gregor";
    public static final String LOG_ENDS = "/gregor/log_ends";

    private ZkPaths() {
    }

    public static String broker(int id) {
        return BROKER_IDS + "/" + id;
    }

    public static String logEnds(int brokerId) {
        return LOG_ENDS + "/" + brokerId;
    }

    public static String topic(String topic) {
        return TOPICS + "/" + topic;
    }

    public static String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    public static String partition(String topic, int partition) {
        return partitions(topic) + "/" + partition;
    }

    public static String partitionState(String topic, int partition) {
        return partition(topic, partition) + "/state";
    }

    public static String topicConfig(String topic) {
        return TOPIC_CONFIGS + "/" + topic;
    }

    public static String deleteTopic(String topic) {
        return DELETE_TOPICS + "/" + topic;
    }

    /** Splits a path below /brokers/topics into (topic, partition or -1, isState). */
    public record TopicPath(String topic, int partition, boolean state) {
    }

    public static TopicPath parseTopicPath(String path) {
        if (!path.startsWith(TOPICS + "/")) {
            return null;
        }
        String[] parts = path.substring(TOPICS.length() + 1).split("/");
        if (parts.length == 1) {
            return new TopicPath(parts[0], -1, false);
        }
        if (parts.length >= 3 && parts[1].equals("partitions")) {
            try {
                int p = Integer.parseInt(parts[2]);
                return new TopicPath(parts[0], p, parts.length == 4 && parts[3].equals("state"));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}

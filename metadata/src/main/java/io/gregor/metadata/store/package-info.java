/**
 * Writes of cluster metadata, one small interface per ZooKeeper subtree:
 * <pre>
 * /cluster/id                     {@link io.gregor.metadata.store.ClusterIdStore}
 * /brokers/ids                    {@link io.gregor.metadata.store.BrokerRegistry}
 * /brokers/topics, /admin/delete_topics
 *                                 {@link io.gregor.metadata.store.TopicStore}
 * /config/topics, /config/brokers {@link io.gregor.metadata.store.ConfigStore}
 * /controller, /controller_epoch  {@link io.gregor.metadata.store.ControllerStore}
 * /controller_election            {@link io.gregor.metadata.store.ControllerElection}
 * /latest_producer_id_block       {@link io.gregor.metadata.store.ProducerIdBlocks}
 * /gregor/log_ends                {@link io.gregor.metadata.store.LogEndsStore} (Gregor's own, not Kafka's layout)
 * </pre>
 * Reads go through {@link io.gregor.metadata.MetadataView}: a writer never reads back what it
 * wrote from a store, it waits for the image that shows it.
 *
 * <p>Each interface has two implementations: {@code store.zk} (Curator, the broker's) and
 * {@code store.memory} (one in-memory model behind all of them, for unit tests of the code
 * above). A new subtree (ACLs, SCRAM credentials, quotas) gets an interface here and one class
 * in each of the two packages; {@code MetadataStoreContractTest} runs the same scenarios against
 * both.
 */
package io.gregor.metadata.store;

package io.gregor.metadata.store;

/** The cluster id ({@code /cluster/id}), written once by the first broker ever to start. */
public interface ClusterIdStore {

    /** The cluster id: {@code proposed} if no cluster id exists yet, else the existing one. */
    String getOrCreateClusterId(String proposed) throws Exception;
}

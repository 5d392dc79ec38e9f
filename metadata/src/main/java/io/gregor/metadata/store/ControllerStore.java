package io.gregor.metadata.store;

/**
 * Who the controller is ({@code /controller}) and the epoch that fences a deposed controller's
 * writes ({@code /controller_epoch}).
 */
public interface ControllerStore {

    /**
     * Increments the controller epoch (creating it at 1). The returned {@link ControllerEpoch#version()}
     * is what {@link TopicStore} writes are fenced with.
     */
    ControllerEpoch incrementControllerEpoch() throws Exception;

    /** Records {@code brokerId} as the controller (for as long as its session lasts), replacing a stale record. */
    void registerController(int brokerId, long timestampMs) throws Exception;

    /**
     * Removes controller-election entries of this broker id that belong to an earlier session
     * of it (a process that died without closing its session): otherwise such an entry holds
     * its place in the election until that session expires, and the cluster has no controller
     * meanwhile.
     */
    void removeStaleElectionEntries(int brokerId) throws Exception;
}

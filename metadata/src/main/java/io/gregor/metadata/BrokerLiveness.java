package io.gregor.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The active controller's view of which registered brokers are alive: the failure detector that
 * moves leadership away from a dead broker in about a second instead of after its ZooKeeper
 * session timeout. ZooKeeper stays the authority: a broker is alive to the controller when it is
 * registered in {@code /brokers/ids} and not fenced here, and fencing only changes what the
 * controller writes to ZooKeeper (new leaders, smaller ISRs, fenced by the controller epoch).
 *
 * <p>A tracked broker is fenced when it has not heartbeated with its current broker epoch for
 * {@link BrokerHeartbeatConfig#sessionTimeoutMs()}, or at once when a probe of its endpoint is
 * refused (the process is gone) and no heartbeat arrived since the probe started. A heartbeat
 * with the current epoch unfences it. A new registration (a new epoch) starts unfenced with a
 * grace period of one session timeout, and so does every broker when a controller takes over,
 * since it has heard nobody yet. Invariants: only registered brokers are tracked; the
 * controller's own broker is never tracked (it is alive while it runs the controller).
 *
 * <p>Not thread-safe: confined to the controller's thread. Times are the injected clock's.
 */
final class BrokerLiveness {
    /** How a heartbeat was taken. */
    enum HeartbeatResult {
        ACCEPTED,
        /** Not the epoch of the broker's current registration (an older incarnation, or one this controller has not seen yet). */
        STALE_BROKER_EPOCH,
        NOT_REGISTERED
    }

    private static final class Tracked {
        final long epoch;
        long lastContactMs;
        boolean fenced;
        /** Heartbeats taken from it, so that a probe can tell whether one came while it ran. */
        long heartbeats;
        /** When the running probe started, or -1. */
        long probeStartedMs = -1;
        /** {@link #heartbeats} when the running probe started. */
        long heartbeatsAtProbe;
        /** When the last probe started, -1 for never: at most one probe per heartbeat interval. */
        long lastProbeMs = -1;

        Tracked(long epoch, long nowMs) {
            this.epoch = epoch;
            this.lastContactMs = nowMs;
        }
    }

    private final int self;
    private final BrokerHeartbeatConfig config;
    private final Map<Integer, Tracked> brokers = new HashMap<>();

    BrokerLiveness(int self, BrokerHeartbeatConfig config) {
        this.self = self;
        this.config = config;
    }

    BrokerHeartbeatConfig config() {
        return config;
    }

    /** A controller taking over: every registered broker unfenced, with a grace period from now. */
    void reset(MetadataImage image, long nowMs) {
        brokers.clear();
        update(image, nowMs);
    }

    /**
     * Follows the registrations: new ones (or a new epoch of one) are tracked unfenced from now,
     * gone ones are forgotten.
     */
    void update(MetadataImage image, long nowMs) {
        brokers.keySet().removeIf(id -> !image.brokers().containsKey(id));
        for (BrokerRegistration r : image.brokers().values()) {
            Tracked t = brokers.get(r.id());
            if (r.id() != self && (t == null || t.epoch != r.epoch())) {
                brokers.put(r.id(), new Tracked(r.epoch(), nowMs));
            }
        }
    }

    /** @return how it was taken; an accepted heartbeat unfences the broker */
    HeartbeatResult heartbeat(int brokerId, long brokerEpoch, long nowMs) {
        if (brokerId == self) {
            return HeartbeatResult.ACCEPTED;
        }
        Tracked t = brokers.get(brokerId);
        if (t == null) {
            return HeartbeatResult.NOT_REGISTERED;
        }
        if (t.epoch != brokerEpoch) {
            return HeartbeatResult.STALE_BROKER_EPOCH;
        }
        t.lastContactMs = Math.max(t.lastContactMs, nowMs);
        t.heartbeats++;
        t.fenced = false;
        return HeartbeatResult.ACCEPTED;
    }

    boolean isFenced(int brokerId) {
        Tracked t = brokers.get(brokerId);
        return t != null && t.fenced;
    }

    /** Fences the brokers silent for a session timeout; returns them. */
    List<Integer> expire(long nowMs) {
        List<Integer> fenced = new ArrayList<>();
        for (Map.Entry<Integer, Tracked> e : brokers.entrySet()) {
            Tracked t = e.getValue();
            if (!t.fenced && nowMs - t.lastContactMs >= config.sessionTimeoutMs()) {
                t.fenced = true;
                fenced.add(e.getKey());
            }
        }
        return fenced;
    }

    /** Unfenced brokers silent for {@link BrokerHeartbeatConfig#probeAfterMs()} whose endpoint is due a probe. */
    List<Integer> dueForProbe(long nowMs) {
        List<Integer> due = new ArrayList<>();
        for (Map.Entry<Integer, Tracked> e : brokers.entrySet()) {
            Tracked t = e.getValue();
            if (nowMs - t.lastContactMs >= config.probeAfterMs() && mayProbe(t, nowMs)) {
                due.add(e.getKey());
            }
        }
        return due;
    }

    /**
     * Starts a probe of the broker, unless it is fenced, unknown, being probed, or was probed
     * less than a heartbeat interval ago.
     *
     * @param always ignore the once-an-interval limit (the broker's connection just closed)
     * @return the probed broker's epoch, or -1 when no probe is to start
     */
    long startProbe(int brokerId, long nowMs, boolean always) {
        Tracked t = brokers.get(brokerId);
        if (t == null || t.fenced || t.probeStartedMs >= 0 || !(always || mayProbe(t, nowMs))) {
            return -1;
        }
        t.probeStartedMs = nowMs;
        t.heartbeatsAtProbe = t.heartbeats;
        t.lastProbeMs = nowMs;
        return t.epoch;
    }

    private boolean mayProbe(Tracked t, long nowMs) {
        return !t.fenced && t.probeStartedMs < 0 && (t.lastProbeMs < 0 || nowMs - t.lastProbeMs >= config.intervalMs());
    }

    /**
     * A probe ended. A refused one fences the broker, unless it is another incarnation by now or
     * it heartbeated after the probe started (it was restarting its listener, or the refusal was
     * for an earlier process).
     *
     * @return whether the broker was fenced by it
     */
    boolean probeEnded(int brokerId, long epoch, BrokerProbe.Result result) {
        Tracked t = brokers.get(brokerId);
        if (t == null || t.epoch != epoch || t.probeStartedMs < 0) {
            return false;
        }
        t.probeStartedMs = -1;
        if (result == BrokerProbe.Result.REFUSED && !t.fenced && t.heartbeats == t.heartbeatsAtProbe) {
            t.fenced = true;
            return true;
        }
        return false;
    }

    /**
     * The controller's own thread was held up for {@code ms} (a GC pause, a starved machine):
     * heartbeats could not be taken meanwhile, so that time does not count against anyone.
     */
    void forgive(long ms) {
        for (Tracked t : brokers.values()) {
            t.lastContactMs += ms;
        }
    }
}

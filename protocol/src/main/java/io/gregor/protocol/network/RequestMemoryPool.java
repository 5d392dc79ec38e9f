package io.gregor.protocol.network;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker-wide bound on the bytes of requests that the network layer holds
 * ({@code queued.max.request.bytes}): the buffers of frames still arriving and of frames being
 * handled, across all connections. It plays the part of Kafka's {@code SimpleMemoryPool} for the
 * request buffers, but it never hands out memory: a {@link FrameDecoder} reserves bytes here
 * before it buffers them and releases them when the frame is gone.
 *
 * <p>Rules:
 * <ul>
 *   <li>A reservation is granted at once when it fits ({@code used + bytes <= capacity}) and
 *       nobody is waiting; otherwise the asker waits in a queue and stops reading. Released
 *       memory goes to the waiters in arrival order (fairness: a newcomer never overtakes them).
 *   <li>Because frame buffers grow as their bytes arrive, many connections can each hold part
 *       of a frame when the pool runs out; none of them could finish if nothing were let past the
 *       bound. So one connection at a time holds the <em>overdraft</em>: when a reservation does
 *       not fit and no other connection holds it, the asker gets the overdraft and every
 *       reservation it makes is granted until its current frame ends. This is also how a frame
 *       bigger than the whole pool gets through (Kafka's pool, in its non-strict mode, likewise
 *       lets one allocation past the bound). {@code used} therefore stays below
 *       {@code capacity} plus one frame ({@code socket.request.max.bytes}).
 *   <li>Time does not appear here: a connection that holds memory and stalls is disconnected by
 *       its {@link FrameDecoder}'s receive timeout, which releases its bytes.
 * </ul>
 *
 * <p>Thread-safe: connections on every event loop share one pool. Grant callbacks run on the
 * thread that released the memory, outside the pool's lock; the decoder hops to its own event
 * loop from there. An unbounded pool (Kafka's default, {@code queued.max.request.bytes=-1})
 * grants everything without counting.
 */
public final class RequestMemoryPool {
    private static final Logger log = LoggerFactory.getLogger(RequestMemoryPool.class);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final long capacity;
    private final boolean bounded;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private long used;
    /** The connection whose reservations are granted past the bound until its frame ends, or null. */
    private Object overdraftOwner;
    private long lastWarnNanos;
    private boolean warnedOnce;

    private record Waiter(Object owner, long bytes, Runnable onGranted) {
    }

    private RequestMemoryPool(long capacity, boolean bounded) {
        this.capacity = capacity;
        this.bounded = bounded;
    }

    /** Kafka's {@code queued.max.request.bytes=-1}: no bound, nothing counted. */
    public static RequestMemoryPool unbounded() {
        return new RequestMemoryPool(Long.MAX_VALUE, false);
    }

    public static RequestMemoryPool bounded(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacityBytes);
        }
        return new RequestMemoryPool(capacityBytes, true);
    }

    /** {@code bytes <= 0}: unbounded (as Kafka reads {@code queued.max.request.bytes}). */
    public static RequestMemoryPool of(long capacityBytes) {
        return capacityBytes > 0 ? bounded(capacityBytes) : unbounded();
    }

    public boolean isBounded() {
        return bounded;
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved now (0 for an unbounded pool, which does not count). */
    public synchronized long used() {
        return used;
    }

    /** Connections waiting for memory now. */
    public synchronized int waiting() {
        return waiters.size();
    }

    /**
     * Reserves {@code bytes} for {@code owner} (one frame decoder) if it may have them now.
     * Otherwise queues the request and returns false: {@code onGranted} runs once the bytes have
     * been reserved for the owner (on whichever thread released memory), unless
     * {@link #cancel} comes first. An owner waits for at most one reservation at a time.
     */
    public boolean tryReserve(Object owner, long bytes, Runnable onGranted) {
        if (!bounded || bytes <= 0) {
            return true;
        }
        long usedNow;
        int waitingNow;
        synchronized (this) {
            if (owner == overdraftOwner || (waiters.isEmpty() && used + bytes <= capacity)) {
                used += bytes;
                return true;
            }
            if (waiters.isEmpty() && overdraftOwner == null) {
                overdraftOwner = owner;
                used += bytes;
                return true;
            }
            waiters.add(new Waiter(owner, bytes, onGranted));
            if (!shouldWarn()) {
                return false;
            }
            usedNow = used;
            waitingNow = waiters.size();
        }
        log.warn("Request memory is used up ({} of {} bytes, queued.max.request.bytes): {} connection(s) stop reading "
            + "until requests are handled (logged at most once a minute)", usedNow, capacity, waitingNow);
        return false;
    }

    /**
     * Gives back {@code bytes} reserved by {@code owner}; {@code frameEnded} when its frame was
     * handed on or dropped, which ends its overdraft if it held it. May grant waiters.
     */
    public void release(Object owner, long bytes, boolean frameEnded) {
        if (!bounded) {
            return;
        }
        List<Runnable> granted;
        synchronized (this) {
            used -= bytes;
            if (frameEnded && owner == overdraftOwner) {
                overdraftOwner = null;
            }
            granted = grantWaiters();
        }
        granted.forEach(Runnable::run);
    }

    /**
     * Withdraws {@code owner}'s waiting reservation (its connection closed). Returns false when
     * it was not waiting, or was granted already: then its grant callback has run or is running.
     */
    public boolean cancel(Object owner) {
        if (!bounded) {
            return false;
        }
        List<Runnable> granted;
        synchronized (this) {
            boolean removed = false;
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                if (it.next().owner() == owner) {
                    it.remove();
                    removed = true;
                    break;
                }
            }
            if (!removed) {
                return false;
            }
            // The head may have been the one blocking the queue.
            granted = grantWaiters();
        }
        granted.forEach(Runnable::run);
        return true;
    }

    private List<Runnable> grantWaiters() {
        List<Runnable> granted = List.of();
        while (!waiters.isEmpty()) {
            Waiter head = waiters.peekFirst();
            if (used + head.bytes() <= capacity) {
                used += head.bytes();
            } else if (overdraftOwner == null) {
                overdraftOwner = head.owner();
                used += head.bytes();
            } else {
                break;
            }
            waiters.pollFirst();
            if (granted.isEmpty()) {
                granted = new ArrayList<>();
            }
            granted.add(head.onGranted());
        }
        return granted;
    }

    private boolean shouldWarn() {
        long now = System.nanoTime();
        if (warnedOnce && now - lastWarnNanos < WARN_INTERVAL_NANOS) {
            return false;
        }
        warnedOnce = true;
        lastWarnNanos = now;
        return true;
    }

    @Override
    public synchronized String toString() {
        return bounded ? "RequestMemoryPool{" + used + "/" + capacity + " bytes used, " + waiters.size() + " waiting}"
            : "RequestMemoryPool{unbounded}";
    }
}

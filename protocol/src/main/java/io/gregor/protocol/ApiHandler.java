package io.gregor.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Handles one Kafka API. Implementations declare the version range they handle; the
 * {@link ApiRegistry} advertises exactly that range in ApiVersions.
 *
 * <p>Threading: {@link #handle} is called on the connection's event loop, in request order, and
 * must not block the loop: no fsync, no segment roll or other file creation, no ZooKeeper call
 * or wait for one, no waiting on another thread (a future's {@code get}/{@code join}, a lock
 * held by a thread that does any of these), no sleep. Allowed, because they take microseconds
 * and a hand-off costs more: the positional page-cache write of a validated batch, and reads of
 * batch headers and indexes. Work that may block goes elsewhere and completes the returned
 * future later, from any thread: ZooKeeper writes to the admin executor, appends that roll or
 * fsync to the partition's append thread, group operations to their coordinator shard's
 * thread; long polls wait without a thread. Responses are still written in request order.
 * {@code EventLoopBlockingIT} checks this with BlockHound for every kind of request.
 *
 * <p>Buffer ownership: the request body may reference the frame's bytes (record sets). The
 * frame is released as soon as {@code handle} returns, so a handler that needs those bytes
 * later must copy them.
 *
 * @param <Q> request message type
 */
public interface ApiHandler<Q extends ApiMessage> {

    /** The API and the versions of it this handler implements (see {@link ApiVersionRange}). */
    ApiVersionRange versions();

    default ApiKeys apiKey() {
        return versions().key();
    }

    default short minVersion() {
        return versions().min();
    }

    default short maxVersion() {
        return versions().max();
    }

    /**
     * @return the response; a future completed with {@code null} means "send no response"
     *         (acks=0 produce)
     */
    CompletableFuture<ApiMessage> handle(RequestContext context, Q request);
}

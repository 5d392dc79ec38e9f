package io.gregor.metadata;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * This broker's view of the cluster metadata, as a sequence of immutable {@link MetadataImage}s:
 * what handlers, admin code and the controller read. Every change publishes a new image with a
 * higher {@link MetadataImage#version()}.
 *
 * <p>Ordering: listeners and waiters are told about images one at a time, in publication
 * order, on the view's notification thread; a write is visible here only once its image has
 * been published, which may be after the write returned. {@link #image()} never blocks.
 */
public interface MetadataView {

    /** The latest published image. */
    MetadataImage image();

    /** Tells {@code listener} about every image published from now on. */
    void addListener(MetadataListener listener);

    /**
     * Adds a listener and, before any later image, tells it about the current one (as a change
     * from {@link MetadataImage#EMPTY}). Completes when that first call is done.
     */
    CompletableFuture<Void> addListenerAndReplay(MetadataListener listener);

    /** Completes with the first image (the current one or a later one) satisfying {@code condition}. */
    CompletableFuture<MetadataImage> await(Predicate<MetadataImage> condition);
}

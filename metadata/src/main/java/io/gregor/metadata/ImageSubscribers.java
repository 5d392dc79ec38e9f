package io.gregor.metadata;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who hears of new metadata images: listeners, told of every image in order, and waiters, each
 * completed with the first image that satisfies its condition. Shared by the two
 * {@link MetadataView}s (the ZooKeeper cache and the in-memory model).
 *
 * <p>Listeners may be added from any thread; {@link #addWaiter} and {@link #publish} must be
 * called by the one thread (or queue) that publishes images. A failing listener is logged and
 * does not keep the others from hearing of the image.
 */
public final class ImageSubscribers {
    private static final Logger log = LoggerFactory.getLogger(ImageSubscribers.class);

    private record Waiter(Predicate<MetadataImage> condition, CompletableFuture<MetadataImage> future) {
    }

    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();

    public void addListener(MetadataListener listener) {
        listeners.add(listener);
    }

    public void addWaiter(Predicate<MetadataImage> condition, CompletableFuture<MetadataImage> future) {
        waiters.add(new Waiter(condition, future));
    }

    /** Tells every listener, then completes (and forgets) the waiters whose condition {@code next} meets. */
    public void publish(MetadataImage previous, MetadataImage next) {
        for (MetadataListener listener : listeners) {
            try {
                listener.onMetadataUpdate(previous, next);
            } catch (RuntimeException e) {
                log.error("Metadata listener failed", e);
            }
        }
        Iterator<Waiter> it = waiters.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            if (w.future().isDone()) {
                it.remove();
            } else if (w.condition().test(next)) {
                w.future().complete(next);
                it.remove();
            }
        }
    }
}

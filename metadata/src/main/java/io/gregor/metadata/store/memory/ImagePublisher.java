package io.gregor.metadata.store.memory;

import io.gregor.metadata.ImageSubscribers;
import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataListener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes images to listeners and waiters in order, one task at a time, on the thread of the
 * writer: the first thread that finds the queue idle runs it until it is empty, and a thread
 * (or a listener) that finds it busy only adds its task, which the running thread then picks up.
 * So a write made with no other write in flight is published before it returns (which makes
 * tests deterministic), tasks never interleave, and a listener that writes sees its own image
 * delivered after the one it is handling, as with {@code MetadataCache}'s single metadata thread.
 *
 * <p>Thread-safe. Waiters are confined to whichever thread runs the queue at the time.
 */
final class ImagePublisher {
    private static final Logger log = LoggerFactory.getLogger(ImagePublisher.class);

    private final Object lock = new Object();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private final ImageSubscribers subscribers = new ImageSubscribers();
    private volatile MetadataImage image;

    ImagePublisher(MetadataImage initial) {
        this.image = initial;
    }

    MetadataImage image() {
        return image;
    }

    /** Queues the publication of {@code next}; the caller orders these calls (it holds the model's lock). */
    void enqueuePublish(MetadataImage next) {
        enqueue(() -> publish(next));
    }

    /** Queues a task to run in order with the publications. */
    void enqueue(Runnable task) {
        synchronized (lock) {
            tasks.add(task);
        }
    }

    /** Runs the queued tasks, unless another thread (or an outer call on this one) is running them. */
    void runPending() {
        synchronized (lock) {
            if (running) {
                return;
            }
            running = true;
        }
        while (true) {
            Runnable task;
            synchronized (lock) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Metadata task failed", e);
            }
        }
    }

    void addListener(MetadataListener listener) {
        subscribers.addListener(listener);
    }

    CompletableFuture<Void> addListenerAndReplay(MetadataListener listener) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(() -> {
            try {
                subscribers.addListener(listener);
                listener.onMetadataUpdate(MetadataImage.EMPTY, image);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        runPending();
        return done;
    }

    CompletableFuture<MetadataImage> await(Predicate<MetadataImage> condition) {
        CompletableFuture<MetadataImage> future = new CompletableFuture<>();
        enqueue(() -> {
            if (condition.test(image)) {
                future.complete(image);
            } else {
                subscribers.addWaiter(condition, future);
            }
        });
        runPending();
        return future;
    }

    private void publish(MetadataImage next) {
        MetadataImage previous = image;
        image = next;
        subscribers.publish(previous, next);
    }
}

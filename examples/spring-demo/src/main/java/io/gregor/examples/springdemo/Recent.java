package io.gregor.examples.springdemo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last few messages a listener received, for the tests (and anyone curious). Thread-safe. */
public final class Recent<T> {
    private static final int KEEP = 100;

    private final Deque<T> items = new ArrayDeque<>();

    synchronized void add(T item) {
        if (items.size() == KEEP) {
            items.removeFirst();
        }
        items.addLast(item);
    }

    public synchronized List<T> list() {
        return List.copyOf(items);
    }
}

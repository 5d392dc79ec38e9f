package io.gregor.storage.log;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Releases memory mappings eagerly. The JDK only unmaps a {@code MappedByteBuffer} when it is
 * garbage collected, which can keep deleted index files pinned for a long time; like Kafka we
 * call the buffer's cleaner directly. Callers guarantee that nobody reads the buffer afterwards
 * (indexes are unmapped only on close and after delayed deletion).
 */
final class Mmaps {
    private static final MethodHandle INVOKE_CLEANER = lookupCleaner();

    private Mmaps() {
    }

    private static MethodHandle lookupCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return MethodHandles.lookup()
                .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static void unmap(ByteBuffer buffer) {
        if (buffer == null || INVOKE_CLEANER == null || !buffer.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (Throwable ignored) {
            // Left to the garbage collector.
        }
    }
}

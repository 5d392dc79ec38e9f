package io.gregor.metadata.store.zk;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON for ZooKeeper node data, as plain maps and lists (jackson-jr, no reflection on our types); {@link ZkData} says what goes in each node. */
final class Json {
    private Json() {
    }

    static byte[] write(Object value) {
        try {
            return JSON.std.asString(value).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> read(byte[] data) {
        if (data == null || data.length == 0) {
            return Map.of();
        }
        try {
            return JSON.std.mapFrom(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid JSON in ZooKeeper node: " + new String(data, StandardCharsets.UTF_8), e);
        }
    }

    static int intValue(Object o, int fallback) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        if (o instanceof String s) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    static long longValue(Object o, long fallback) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    static List<Integer> intList(Object o) {
        List<Integer> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object x : list) {
                out.add(intValue(x, -1));
            }
        }
        return List.copyOf(out);
    }
}

package io.gregor.coordinator.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal shard for runtime tests: string keys and values, replayed into a map, with a record of what happened. */
final class KeyValueShard implements CoordinatorShard {
    final ShardContext context;
    final Map<String, String> state = new LinkedHashMap<>();
    final List<String> replayed = new ArrayList<>();
    final List<String> markers = new ArrayList<>();
    boolean loaded;
    boolean unloaded;

    KeyValueShard(ShardContext context) {
        this.context = context;
    }

    static CoordinatorRecord put(String key, String value) {
        return new CoordinatorRecord(key.getBytes(StandardCharsets.UTF_8), value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void replay(long offset, long producerId, short producerEpoch, ByteBuffer key, ByteBuffer value) {
        String k = StandardCharsets.UTF_8.decode(key).toString();
        String v = value == null ? null : StandardCharsets.UTF_8.decode(value).toString();
        replayed.add(offset + ":" + k + "=" + v);
        if (v == null) {
            state.remove(k);
        } else {
            state.put(k, v);
        }
    }

    @Override
    public void replayEndTransaction(long producerId, short producerEpoch, boolean committed) {
        markers.add(producerId + "/" + producerEpoch + (committed ? " commit" : " abort"));
    }

    @Override
    public void onLoaded() {
        loaded = true;
    }

    @Override
    public void onUnloaded() {
        unloaded = true;
    }
}

package io.gregor.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the history: an operation's invocation or completion, or an event.
 *
 * <ul>
 *   <li>{@code type}: {@code invoke}; then exactly one of {@code ok} (it happened), {@code fail}
 *       (it certainly did not) or {@code info} (unknown: it may or may not have happened), with the
 *       invocation's {@code id}; or {@code event} (an assignment, a fault, a heal, a crash).</li>
 *   <li>{@code f}: {@code send} (value to topic; ok has partition and offset), {@code read} (a record
 *       a consumer returned), {@code commit} (a group's committed offset for one partition, with the
 *       generation), {@code committed} (the committed offset read back at the end), {@code assign}
 *       (a member's whole assignment in a generation), {@code fault}, {@code heal}, {@code crash}.</li>
 *   <li>{@code proc}: who did it: {@code producer-N.I} (incarnation I), {@code member-N.I},
 *       {@code drain} (the final read of everything), {@code nemesis}.</li>
 *   <li>{@code t}: milliseconds since the run started, on a monotonic clock.</li>
 * </ul>
 *
 * Unset numbers are -1 (0 for {@code id}), unset strings and lists null; {@link #toMap()} leaves them out.
 */
record Op(long id, long t, String type, String proc, String f, String topic, int p, long offset, String value, int gen,
          String member, List<String> parts, String kind, String error) {

    static final String INVOKE = "invoke";
    static final String OK = "ok";
    static final String FAIL = "fail";
    static final String INFO = "info";
    static final String EVENT = "event";

    Op {
        parts = parts == null ? null : List.copyOf(parts);
    }

    /** A builder-like start: an op with only the type, process and function set. */
    static Op of(String type, String proc, String f) {
        return new Op(0, -1, type, proc, f, null, -1, -1, null, -1, null, null, null, null);
    }

    Op id(long newId) {
        return new Op(newId, t, type, proc, f, topic, p, offset, value, gen, member, parts, kind, error);
    }

    Op at(long newT) {
        return new Op(id, newT, type, proc, f, topic, p, offset, value, gen, member, parts, kind, error);
    }

    Op record(String newTopic, int newP, long newOffset, String newValue) {
        return new Op(id, t, type, proc, f, newTopic, newP, newOffset, newValue, gen, member, parts, kind, error);
    }

    Op value(String newValue) {
        return new Op(id, t, type, proc, f, topic, p, offset, newValue, gen, member, parts, kind, error);
    }

    Op group(int newGen, String newMember) {
        return new Op(id, t, type, proc, f, topic, p, offset, value, newGen, newMember, parts, kind, error);
    }

    Op parts(List<String> newParts) {
        return new Op(id, t, type, proc, f, topic, p, offset, value, gen, member, newParts, kind, error);
    }

    Op kind(String newKind) {
        return new Op(id, t, type, proc, f, topic, p, offset, value, gen, member, parts, newKind, error);
    }

    Op error(String newError) {
        return new Op(id, t, type, proc, f, topic, p, offset, value, gen, member, parts, kind, newError);
    }

    /** {@code topic-partition}, the key of a partition in checks and reports. */
    String partitionKey() {
        return topic + "-" + p;
    }

    boolean is(String aType, String aF) {
        return type.equals(aType) && f.equals(aF);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (id != 0) {
            m.put("id", id);
        }
        m.put("t", t);
        m.put("type", type);
        m.put("proc", proc);
        m.put("f", f);
        putIf(m, "topic", topic);
        if (p >= 0) {
            m.put("p", p);
        }
        if (offset >= 0) {
            m.put("offset", offset);
        }
        putIf(m, "value", value);
        if (gen >= 0) {
            m.put("gen", gen);
        }
        putIf(m, "member", member);
        putIf(m, "parts", parts);
        putIf(m, "kind", kind);
        putIf(m, "error", error);
        return m;
    }

    private static void putIf(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    static Op fromMap(Map<String, Object> m) {
        List<String> parts = null;
        if (m.get("parts") instanceof List<?> list) {
            parts = new ArrayList<>();
            for (Object o : list) {
                parts.add(String.valueOf(o));
            }
        }
        return new Op(num(m, "id", 0), num(m, "t", -1), (String) m.get("type"), (String) m.get("proc"), (String) m.get("f"),
            (String) m.get("topic"), (int) num(m, "p", -1), num(m, "offset", -1), (String) m.get("value"), (int) num(m, "gen", -1),
            (String) m.get("member"), parts, (String) m.get("kind"), (String) m.get("error"));
    }

    private static long num(Map<String, Object> m, String key, long absent) {
        Object v = m.get(key);
        return v instanceof Number n ? n.longValue() : absent;
    }
}

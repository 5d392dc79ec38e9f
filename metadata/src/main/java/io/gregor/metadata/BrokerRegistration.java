package io.gregor.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A live broker as registered in {@code /brokers/ids/<id>} (ephemeral: it disappears with the
 * broker's ZooKeeper session).
 */
public record BrokerRegistration(int id, List<Endpoint> endpoints, String rack, long timestampMs) {

    public Endpoint endpoint(String listenerName) {
        for (Endpoint e : endpoints) {
            if (e.listenerName().equals(listenerName)) {
                return e;
            }
        }
        return null;
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 5);
        Endpoint first = endpoints.isEmpty() ? null : endpoints.get(0);
        m.put("host", first == null ? "" : first.host());
        m.put("port", first == null ? -1 : first.port());
        List<String> uris = new ArrayList<>();
        Map<String, String> protocols = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            uris.add(e.uri());
            protocols.put(e.listenerName(), "PLAINTEXT");
        }
        m.put("endpoints", uris);
        m.put("listener_security_protocol_map", protocols);
        m.put("rack", rack);
        m.put("jmx_port", -1);
        m.put("timestamp", Long.toString(timestampMs));
        return Json.write(m);
    }

    static BrokerRegistration fromJson(int id, byte[] data) {
        Map<String, Object> m = Json.read(data);
        List<Endpoint> endpoints = new ArrayList<>();
        if (m.get("endpoints") instanceof List<?> list) {
            for (Object o : list) {
                endpoints.add(Endpoint.parse(String.valueOf(o)));
            }
        }
        Object rack = m.get("rack");
        return new BrokerRegistration(id, List.copyOf(endpoints), rack == null ? null : rack.toString(),
            Json.longValue(m.get("timestamp"), 0));
    }
}

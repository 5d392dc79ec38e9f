package io.gregor.faults;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's network: a bridge in the root namespace ({@code gft-br}, {@value #GATEWAY}/24) and one
 * network namespace per node ({@code gft-zk}, {@code gft-b0}, ...), each joined to the bridge by a
 * veth pair and given its own address. Clients run in the root namespace and reach every node
 * through the bridge; nodes reach each other through it too.
 *
 * <p>Faults are iptables DROP rules inside the nodes' namespaces only (never in the root
 * namespace): a node cut from a peer drops the peer's packets in INPUT and its own to the peer in
 * OUTPUT; a one-way drop is one OUTPUT rule. {@link #heal()} flushes every namespace's rules.
 *
 * <p>Everything it creates is named with the prefix {@value #PREFIX}, so that {@link #removeLeftovers()}
 * can remove what a killed earlier run left behind. Not thread-safe: the fault thread owns it.
 */
final class Network {
    static final String PREFIX = "gft-";
    static final String BRIDGE = PREFIX + "br";
    static final String GATEWAY = "10.77.0.1";
    private final Map<String, String> addresses = new LinkedHashMap<>();

    /** Creates the bridge; nodes are added with {@link #addNode}. */
    static Network create() {
        removeLeftovers();
        Shell.check("ip", "link", "add", BRIDGE, "type", "bridge");
        Shell.check("ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
        Shell.check("ip", "link", "set", BRIDGE, "up");
        return new Network();
    }

    /** The namespace of a node. */
    static String namespace(String node) {
        return PREFIX + node;
    }

    /** Creates the node's namespace with the address {@code 10.77.0.<host>} and returns it. */
    String addNode(String node, int host) {
        String ns = namespace(node);
        String address = "10.77.0." + host;
        String hostSide = PREFIX + node + "-h";
        String nsSide = PREFIX + node + "-n";
        Shell.check("ip", "netns", "add", ns);
        Shell.check("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
        Shell.check("ip", "link", "set", nsSide, "netns", ns);
        Shell.check("ip", "link", "set", hostSide, "master", BRIDGE);
        Shell.check("ip", "link", "set", hostSide, "up");
        Shell.check("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", nsSide);
        Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", nsSide, "up");
        Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        addresses.put(node, address);
        return address;
    }

    String address(String node) {
        return addresses.get(node);
    }

    List<String> nodes() {
        return List.copyOf(addresses.keySet());
    }

    /** Drops every packet between {@code a} and {@code b}, both ways (rules in both namespaces). */
    void cut(String a, String b) {
        drop(a, b);
        drop(b, a);
        block(a, b);
        block(b, a);
    }

    /** Drops the packets {@code from} sends to {@code to} (an OUTPUT rule in {@code from}'s namespace). */
    void drop(String from, String to) {
        Shell.check("ip", "netns", "exec", namespace(from), "iptables", "-A", "OUTPUT", "-d", addresses.get(to), "-j", "DROP");
    }

    /** Drops the packets {@code at} receives from {@code from} (an INPUT rule in {@code at}'s namespace). */
    private void block(String at, String from) {
        Shell.check("ip", "netns", "exec", namespace(at), "iptables", "-A", "INPUT", "-s", addresses.get(from), "-j", "DROP");
    }

    /** Removes every rule of every namespace. */
    void heal() {
        for (String node : addresses.keySet()) {
            Shell.check("ip", "netns", "exec", namespace(node), "iptables", "-F");
        }
    }

    /** Removes the namespaces and links of this network (and of any earlier run). */
    void close() {
        removeLeftovers();
    }

    /**
     * Kills every process still in a {@value #PREFIX} namespace, deletes those namespaces and the
     * {@value #PREFIX} links, and lazily unmounts the suite's log-dir filesystems
     * ({@value LogDisk#MOUNT_MARKER} mount points).
     */
    static void removeLeftovers() {
        for (String line : Shell.run("ip", "netns", "list").output().split("\n")) {
            String ns = line.split(" ")[0].trim();
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            for (String pid : Shell.run("ip", "netns", "pids", ns).output().split("\n")) {
                if (!pid.isBlank()) {
                    Shell.run("kill", "-9", pid.trim());
                }
            }
            Shell.run("ip", "netns", "del", ns);
        }
        for (String line : Shell.run("ip", "-o", "link", "show").output().split("\n")) {
            String[] parts = line.split(":");
            if (parts.length > 1) {
                String name = parts[1].trim().split("@")[0];
                if (name.startsWith(PREFIX)) {
                    Shell.run("ip", "link", "del", name);
                }
            }
        }
        LogDisk.unmountLeftovers();
    }
}

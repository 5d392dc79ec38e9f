package io.gregor.faults;

/**
 * What the suite needs from the machine, checked before anything starts: root (network
 * namespaces, iptables rules in them, tmpfs mounts), {@code ip} with working {@code ip netns}, and
 * {@code iptables}, installed with apt-get when missing. A missing piece is a {@link HarnessException}
 * naming it, never a silent skip.
 */
final class Preconditions {
    private Preconditions() {
    }

    static void check() {
        String uid = Shell.run("id", "-u").output();
        if (!"0".equals(uid)) {
            throw new HarnessException("the fault suite needs root (network namespaces, iptables, tmpfs mounts); running as uid " + uid);
        }
        if (!Shell.exists("ip")) {
            throw new HarnessException("the fault suite needs 'ip' (iproute2) for network namespaces; install iproute2");
        }
        String probe = Network.PREFIX + "probe";
        Shell.run("ip", "netns", "del", probe);
        Shell.Result add = Shell.run("ip", "netns", "add", probe);
        Shell.run("ip", "netns", "del", probe);
        if (!add.ok()) {
            throw new HarnessException("cannot create a network namespace ('ip netns add' failed: " + Shell.oneLine(add.output()) + ")");
        }
        if (!Shell.exists("iptables")) {
            System.out.println("iptables is missing; installing it with apt-get");
            Shell.Result install = Shell.run("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables");
            if (!install.ok() || !Shell.exists("iptables")) {
                throw new HarnessException("the fault suite needs iptables and could not install it with apt-get: "
                    + Shell.oneLine(install.output().substring(Math.max(0, install.output().length() - 300))));
            }
        }
    }
}

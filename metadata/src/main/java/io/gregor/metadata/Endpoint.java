package io.gregor.metadata;

/** An advertised listener of a broker: {@code PLAINTEXT://host:port}. */
public record Endpoint(String listenerName, String host, int port) {
    public String uri() {
        return listenerName + "://" + host + ":" + port;
    }

    /** Parses {@code NAME://host:port}; an empty host stays empty. */
    public static Endpoint parse(String uri) {
        int sep = uri.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("Listener '" + uri + "' is not of the form NAME://host:port");
        }
        String name = uri.substring(0, sep).trim();
        String hostPort = uri.substring(sep + 3).trim();
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Listener '" + uri + "' has no port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Listener '" + uri + "' has an invalid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Listener '" + uri + "' has a port outside 0..65535");
        }
        return new Endpoint(name, host, port);
    }
}

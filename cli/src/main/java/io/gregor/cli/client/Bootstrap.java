package io.gregor.cli.client;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * The brokers a command contacts first, and where that list came from: error messages name the
 * source, because "cannot connect to localhost:9092" means something else when the user never
 * chose that address.
 *
 * @param servers validated {@code host:port} entries
 * @param source  how the user chose them, e.g. {@code --bootstrap-server} or {@code GREGOR_BOOTSTRAP}
 */
public record Bootstrap(List<String> servers, String source) {

    /** Parses a comma-separated {@code host:port} list, failing with a message that names the source. */
    public static Bootstrap parse(String list, String source) {
        List<String> servers = new ArrayList<>();
        for (String raw : list.split(",")) {
            String server = raw.trim();
            if (server.isEmpty()) {
                continue;
            }
            String host = Utils.getHost(server);
            Integer port = Utils.getPort(server);
            if (host == null || host.isEmpty() || port == null || port < 1 || port > 65535) {
                throw new CommandException("invalid broker address '" + server + "' in " + source + ": expected host:port");
            }
            servers.add(server);
        }
        if (servers.isEmpty()) {
            throw new CommandException("no broker address in " + source + ": expected host:port[,host:port...]");
        }
        return new Bootstrap(List.copyOf(servers), source);
    }

    /** The list as Kafka clients take it in {@code bootstrap.servers}. */
    public String joined() {
        return String.join(",", servers);
    }
}

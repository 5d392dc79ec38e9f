package io.gregor.cli.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * Checks that at least one of a list of {@code host:port} addresses accepts a TCP connection
 * before a client is created. Kafka and ZooKeeper clients retry an unreachable server silently
 * until their timeout and then report only "Timed out waiting for a node assignment"; the probe
 * turns that into an immediate, specific answer (unknown host, connection refused, no answer
 * within the timeout). It costs one extra connection per command.
 */
public final class Reachability {
    private Reachability() {
    }

    /** Kafka brokers: at least one bootstrap address must answer. */
    public static void requireBroker(Bootstrap bootstrap, int timeoutMs) {
        requireAny("broker", bootstrap.servers(), bootstrap.source(), timeoutMs);
    }

    /**
     * @param what   what is expected at the addresses ("broker", "ZooKeeper server"), for the message
     * @param source how the user chose the addresses, for the message
     * @throws CommandException naming the address and the reason when none is reachable
     */
    public static void requireAny(String what, List<String> servers, String source, int timeoutMs) {
        String lastProblem = null;
        for (String server : servers) {
            String problem = probe(server, timeoutMs);
            if (problem == null) {
                return;
            }
            lastProblem = problem;
        }
        String where = servers.size() == 1 ? "a " + what + " at " + servers.get(0) : "any " + what + " of " + String.join(",", servers);
        throw new CommandException("cannot connect to " + where + " (" + source + "): " + lastProblem);
    }

    /** @return null when {@code host:port} accepts a connection, else why not */
    static String probe(String server, int timeoutMs) {
        String host = Utils.getHost(server);
        Integer port = Utils.getPort(server);
        if (host == null || port == null) {
            return "invalid address";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            return null;
        } catch (UnknownHostException e) {
            return "unknown host '" + host + "'";
        } catch (SocketTimeoutException e) {
            return "no answer within " + timeoutMs + " ms";
        } catch (ConnectException e) {
            return "connection refused";
        } catch (IOException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (IllegalArgumentException e) {
            return "invalid address";
        }
    }
}

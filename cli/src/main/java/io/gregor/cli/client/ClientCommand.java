package io.gregor.cli.client;

/**
 * A command that talks to a cluster. {@code Gregor}'s error handler asks it for its connection
 * options so that timeouts and unsupported APIs are explained with the address that was used.
 */
public interface ClientCommand {
    ClientOptions client();
}

package io.gregor.cli.client;

/**
 * A failure the user can act on, already phrased as the one line printed after {@code Error: }.
 * Commands throw it instead of printing, so that every failure leaves through the same path
 * (exit code 1, one line on stderr).
 */
public final class CommandException extends RuntimeException {

    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.gregor.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command takes from its surroundings besides its arguments: standard input, environment
 * variables and the home directory (for {@code ~/.gregor/config}). Output goes through picocli's
 * out/err writers instead. Passed in rather than read from {@link System} so that tests run
 * commands in-process with their own input, variables and an empty home.
 *
 * @param interactive whether a person is typing at a terminal: progress lines are left out then
 */
public record Environment(InputStream stdin, Map<String, String> variables, Path home, boolean interactive) {

    public static Environment system() {
        return new Environment(System.in, System.getenv(), Path.of(System.getProperty("user.home")), System.console() != null);
    }

    public String variable(String name) {
        return variables.get(name);
    }
}

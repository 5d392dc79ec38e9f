package io.gregor.cli.testing;

import io.gregor.cli.Environment;
import io.gregor.cli.Gregor;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code gregor} commands in-process, as {@link Gregor#run} would, with captured stdout and
 * stderr, given standard input, environment variables and home directory.
 */
public final class Cli {
    private final Map<String, String> variables;
    private final Path home;

    public Cli(Map<String, String> variables, Path home) {
        this.variables = Map.copyOf(variables);
        this.home = home;
    }

    /** A copy with one more environment variable (or one removed, with a null value). */
    public Cli withVariable(String name, String value) {
        Map<String, String> copy = new HashMap<>(variables);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new Cli(copy, home);
    }

    public Cli withHome(Path newHome) {
        return new Cli(variables, newHome);
    }

    public Result run(String... args) {
        return runWithInput("", args);
    }

    public Result runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment env = new Environment(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), variables, home, false);
        CommandLine cli = Gregor.commandLine(env, args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** What a command printed and returned. */
    public record Result(int exitCode, String out, String err) {
        public java.util.List<String> outLines() {
            return out.lines().toList();
        }

        public java.util.List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }
}

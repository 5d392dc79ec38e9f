package io.gregor.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short system commands ({@code ip}, {@code iptables}, {@code mount}) and waits for them. Stateless, thread-safe. */
final class Shell {
    private Shell() {
    }

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs the command; never throws for a non-zero exit code. */
    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + ": timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, String.join(" ", command) + ": interrupted");
        }
    }

    static Result run(String... command) {
        return run(List.of(command));
    }

    /** Runs the command and throws with its output when it fails. */
    static String check(String... command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new HarnessException("'" + String.join(" ", command) + "' failed (exit " + r.exitCode() + "): " + oneLine(r.output()));
        }
        return r.output();
    }

    static boolean exists(String program) {
        return run("sh", "-c", "command -v " + program).ok();
    }

    static String oneLine(String s) {
        return s.replace('\n', ' ').trim();
    }
}

package io.gregor.cli;

/**
 * Chooses where logs go before logback starts. The broker ({@code gregor start}) logs to stdout
 * like Kafka; every other command owns stdout for its results and promises one error line on
 * stderr, so for them logs go to stderr and the Kafka, ZooKeeper and Netty libraries are
 * silenced (a client retrying an absent broker would otherwise print a warning per attempt).
 * Properties set by the user (through {@code GREGOR_JVM_OPTS}) are left alone.
 */
final class CliLogging {
    private CliLogging() {
    }

    /** Must run before the first logger is created, i.e. before the command line is built. */
    static void configure(String[] args) {
        if ("start".equals(subcommand(args))) {
            return;
        }
        setIfAbsent("gregor.log.target", "System.err");
        setIfAbsent("gregor.log.level", "WARN");
        setIfAbsent("gregor.libs.log.level", "OFF");
    }

    /** The first argument that is not a flag: the subcommand, if any. */
    static String subcommand(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

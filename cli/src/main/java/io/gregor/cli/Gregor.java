package io.gregor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gregor} command line. */
@Command(name = "gregor", mixinStandardHelpOptions = true, versionProvider = Gregor.Version.class,
    description = "Gregor: a distributed event streaming platform that speaks the Apache Kafka protocol.",
    subcommands = {StartCommand.class, ZookeeperCommand.class, CommandLine.HelpCommand.class})
public final class Gregor implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0 success, 1 failure, 2 usage error). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Gregor());
        cli.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("Error: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("Error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Gregor.class.getPackage().getImplementationVersion();
            return new String[] {"gregor " + (v == null ? "development build" : v)};
        }
    }
}

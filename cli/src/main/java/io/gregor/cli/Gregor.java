package io.gregor.cli;

import io.gregor.cli.client.ClientCommand;
import io.gregor.cli.client.ClientOptions;
import io.gregor.cli.client.Failures;
import io.gregor.cli.cluster.ClusterCommand;
import io.gregor.cli.configs.ConfigsCommand;
import io.gregor.cli.consume.ConsumeCommand;
import io.gregor.cli.groups.GroupsCommand;
import io.gregor.cli.produce.ProduceCommand;
import io.gregor.cli.topics.TopicsCommand;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gregor} command line.
 *
 * <p>Exit codes: 0 success; 1 failure, with exactly one line on stderr saying what was wrong
 * (including a flag value that does not parse, such as {@code --partitions x}); 2 usage error
 * (unknown or missing flag, conflicting flags). Commands write to the picocli command line's
 * out/err writers and read input from an {@link Environment}, so that tests run them in-process.
 */
@Command(name = "gregor", mixinStandardHelpOptions = true, versionProvider = Gregor.Version.class,
    description = "Gregor: a distributed event streaming platform that speaks the Apache Kafka protocol.")
public final class Gregor implements Callable<Integer> {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    /** In the order {@code gregor --help} lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(StartCommand.class, ZookeeperCommand.class, TopicsCommand.class,
        ProduceCommand.class, ConsumeCommand.class, GroupsCommand.class, ConfigsCommand.class, ClusterCommand.class,
        CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.configure(args);
        if ("start".equals(CliLogging.subcommand(args))) {
            StartupWarmup.begin();
        }
        StartCommand start = StartCommand.fromPlainArgs(args);
        System.exit(start != null ? runStart(start) : run(args));
    }

    /**
     * Runs a command line with the process's stdin, stdout, stderr and environment; returns the
     * exit code. Stdout is buffered (commands flush after each batch of output), UTF-8 (the
     * encoding record payloads are decoded with), and written to the file descriptor directly
     * rather than through {@code System.out}, which would swallow the error of a closed pipe:
     * {@code gregor consume ... | head} must notice that nobody reads any more.
     */
    public static int run(String... args) {
        CommandLine cli = commandLine(Environment.system(), args);
        PrintWriter out = new PrintWriter(new BufferedWriter(
            new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)));
        cli.setOut(out);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            cli.getErr().flush();
        }
    }

    /** Runs a broker as picocli's execution would, failures reported as one "Error:" line. */
    private static int runStart(StartCommand start) {
        try {
            return start.call();
        } catch (Exception e) {
            System.err.println("Error: " + Failures.explain(e, null));
            return EXIT_FAILURE;
        }
    }

    /**
     * The configured command line for running {@code args}; set its out/err writers before
     * {@code execute} to capture the output (they apply to every subcommand). When the arguments
     * start with a command to run, only that subcommand is built: picocli reflects over every
     * option of every subcommand it is given, which took a quarter of a second. Help, completion,
     * unknown commands and no arguments get them all.
     */
    public static CommandLine commandLine(Environment env, String... args) {
        CommandLine cli = new CommandLine(new Gregor(), new Factory(env));
        String name = args.length > 0 ? args[0] : null;
        boolean runsOne = SUBCOMMANDS.stream().anyMatch(c -> isRunnable(c) && commandName(c).equals(name));
        for (Class<?> subcommand : SUBCOMMANDS) {
            if (!runsOne || commandName(subcommand).equals(name)) {
                cli.addSubcommand(subcommand);
            }
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine completion = cli.getSubcommands().get("generate-completion");
        if (completion != null) {
            completion.getCommandSpec().usageMessage().hidden(true);
        }
        cli.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine cmd = ex.getCommandLine();
            String message = Failures.oneLine(ex.getMessage()).replaceFirst("^Error: ", "");
            if (ex.getCause() instanceof CommandLine.TypeConversionException) {
                cmd.getErr().println("Error: " + message);
                cmd.getErr().flush();
                return EXIT_FAILURE;
            }
            cmd.getErr().println("Error: " + message + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            cmd.getErr().flush();
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            ClientOptions client = cmd.getCommand() instanceof ClientCommand c ? c.client() : null;
            cmd.getErr().println("Error: " + Failures.explain(ex, client));
            cmd.getErr().flush();
            return EXIT_FAILURE;
        });
        return cli;
    }

    private static String commandName(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /** Help and completion describe the other commands, so they need all of them. */
    private static boolean isRunnable(Class<?> command) {
        return command != CommandLine.HelpCommand.class && command != AutoComplete.GenerateCompletion.class;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Creates commands and mixins, handing the {@link Environment} to those that take one. */
    private record Factory(Environment env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> constructor = cls.getDeclaredConstructor(Environment.class);
                constructor.setAccessible(true);
                return constructor.newInstance(env);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Gregor.class.getPackage().getImplementationVersion();
            return new String[] {"gregor " + (v == null ? "development build" : v)};
        }
    }
}

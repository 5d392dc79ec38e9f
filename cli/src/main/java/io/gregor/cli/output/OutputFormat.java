package io.gregor.cli.output;

import picocli.CommandLine.Option;

/** The {@code --output text|json} flag of listing and describing commands (a picocli mixin). */
public final class OutputFormat {

    public enum Kind { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text", order = 90,
        description = "Output format: text (aligned, for people) or json (for scripts). Default: ${DEFAULT-VALUE}.")
    Kind kind = Kind.text;

    public boolean json() {
        return kind == Kind.json;
    }
}

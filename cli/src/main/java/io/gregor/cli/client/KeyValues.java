package io.gregor.cli.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses repeated {@code name=value} flag values ({@code --config}, {@code --property}). A value
 * without {@code =} is an invalid flag value (exit 1) reported with the flag's name, rather than
 * picocli's generic map error.
 */
public final class KeyValues {
    private KeyValues() {
    }

    public static Map<String, String> parse(List<String> entries, String flag) {
        Map<String, String> out = new LinkedHashMap<>();
        if (entries == null) {
            return out;
        }
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new CommandException("invalid value for " + flag + ": '" + entry + "' (expected name=value)");
            }
            out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1));
        }
        return out;
    }
}

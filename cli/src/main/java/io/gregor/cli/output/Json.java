package io.gregor.cli.output;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON output built from maps and lists (insertion-ordered), so every command's JSON shape is
 * visible where it is built rather than spread over annotated classes.
 */
public final class Json {
    private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);
    private static final JSON PRETTY = COMPACT.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private Json() {
    }

    /** An ordered map from alternating keys and values: {@code Json.object("name", n, "id", id)}. */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Prints an indented document followed by a newline. */
    public static void print(PrintWriter out, Object value) {
        out.println(write(PRETTY, value));
        out.flush();
    }

    /** One value on one line, for JSON-lines streams. */
    public static String compact(Object value) {
        return write(COMPACT, value);
    }

    private static String write(JSON json, Object value) {
        try {
            return json.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

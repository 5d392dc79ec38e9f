package io.gregor.cli.configs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits kafka-configs' {@code --add-config} syntax, {@code k1=v1,k2=[a,b],k3=v3}: commas
 * separate entries except inside brackets, which hold list values.
 */
final class ConfigList {
    private ConfigList() {
    }

    static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : text.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']' && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                add(parts, current);
                continue;
            }
            current.append(c);
        }
        add(parts, current);
        return parts;
    }

    private static void add(List<String> parts, StringBuilder current) {
        if (!current.toString().isBlank()) {
            parts.add(current.toString().trim());
        }
        current.setLength(0);
    }
}

package io.gregor.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A text table with a header row, aligned by {@link Columns}. Missing values print as {@code -},
 * as in Kafka's tools.
 */
public final class Table {
    public static final String MISSING = "-";

    private final List<List<String>> rows = new ArrayList<>();
    private final int width;

    public Table(String... header) {
        this.width = header.length;
        rows.add(List.of(header));
    }

    public Table row(Object... cells) {
        if (cells.length != width) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header has " + width);
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(cell == null ? MISSING : cell.toString());
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.size() == 1;
    }

    public void print(PrintWriter out) {
        Columns.align(rows).forEach(out::println);
        out.flush();
    }
}

package io.gregor.storage.util;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Kafka's checkpoint text format, shared by the offset checkpoints of a log directory and
 * the leader epoch checkpoint of a partition: a version line {@code 0}, an entry count, then
 * exactly that many lines of space-separated fields. Like Kafka's checkpoint reader it accepts
 * nothing else: a wrong version, a count that disagrees with the lines, a line with the wrong
 * number of fields or a field that is not a number is {@link CorruptCheckpointException}, naming
 * the file and the line, so that the caller can fall back on the safe side and say so, instead of
 * reading a damaged file as if it were empty or shorter.
 *
 * <p>Stateless.
 */
public final class CheckpointLines {
    private CheckpointLines() {
    }

    /** A checkpoint file that is not in the format. */
    public static final class CorruptCheckpointException extends IOException {
        public CorruptCheckpointException(File file, int line, String problem) {
            super("Corrupt checkpoint file " + file + " at line " + line + ": " + problem);
        }
    }

    /**
     * The entry lines' fields, each entry checked to have {@code fields} fields whose last
     * {@code numericFields} are numbers; an absent file has no entries.
     *
     * @throws CorruptCheckpointException when the file is not in the format
     * @throws IOException                when it cannot be read
     */
    public static List<String[]> read(File file, int fields, int numericFields) throws IOException {
        if (!file.exists()) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file.toPath(), StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).trim().equals("0")) {
            throw new CorruptCheckpointException(file, 1, lines.isEmpty() ? "the file is empty" : "unknown version '" + lines.get(0) + "'");
        }
        if (lines.size() < 2) {
            throw new CorruptCheckpointException(file, 2, "no entry count");
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new CorruptCheckpointException(file, 2, "entry count '" + lines.get(1) + "' is not a number");
        }
        if (count < 0) {
            throw new CorruptCheckpointException(file, 2, "negative entry count " + count);
        }
        List<String[]> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int lineNumber = i + 3;
            if (i + 2 >= lines.size()) {
                throw new CorruptCheckpointException(file, lineNumber, "expected " + count + " entries but found only " + i);
            }
            String line = lines.get(i + 2).trim();
            String[] parts = line.split("\\s+");
            if (parts.length != fields) {
                throw new CorruptCheckpointException(file, lineNumber, "expected " + fields + " fields in '" + line + "'");
            }
            for (int f = fields - numericFields; f < fields; f++) {
                try {
                    Long.parseLong(parts[f]);
                } catch (NumberFormatException e) {
                    throw new CorruptCheckpointException(file, lineNumber, "'" + parts[f] + "' is not a number in '" + line + "'");
                }
            }
            entries.add(parts);
        }
        for (int i = count + 2; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                throw new CorruptCheckpointException(file, i + 1, "expected " + count + " entries but found more");
            }
        }
        return entries;
    }
}

package io.gregor.testsupport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The seed inputs of a fuzz target, kept as files under {@code src/test/resources} where Jazzer
 * looks for them ({@code <TestClass>Inputs/<method>/}), and made by a generator rather than by
 * hand. A seed test calls {@link #check}: it fails when the committed files differ from what
 * the generator makes now, and with {@code -Dgregor.fuzz.writeSeeds=true} it rewrites them.
 *
 * <p>Only files named {@code seed-*} belong to the generator; the others in the directory are
 * inputs a fuzzing run found and someone kept as regression inputs, and are left alone.
 */
public final class SeedFiles {
    public static final String PREFIX = "seed-";

    private SeedFiles() {
    }

    /**
     * @param dir   the inputs directory, relative to the module (tests run in the module directory)
     * @param seeds file name (starting with {@code seed-}) to content
     */
    public static void check(Path dir, Map<String, byte[]> seeds) throws IOException {
        for (String name : seeds.keySet()) {
            if (!name.startsWith(PREFIX)) {
                throw new IllegalArgumentException("Seed names start with " + PREFIX + ": " + name);
            }
        }
        if (Boolean.getBoolean("gregor.fuzz.writeSeeds")) {
            write(dir, seeds);
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Path file = dir.resolve(seed.getKey());
            if (!Files.exists(file)) {
                problems.add("missing " + file);
            } else if (!Arrays.equals(Files.readAllBytes(file), seed.getValue())) {
                problems.add("changed " + file);
            }
        }
        for (Path file : generatedFiles(dir)) {
            if (!seeds.containsKey(file.getFileName().toString())) {
                problems.add("no longer generated " + file);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("The seed files are not what the generator makes (rewrite them with"
                + " -Dgregor.fuzz.writeSeeds=true):\n  " + String.join("\n  ", problems));
        }
    }

    private static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (Path file : generatedFiles(dir)) {
            Files.delete(file);
        }
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }

    private static List<Path> generatedFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, PREFIX + "*")) {
            stream.forEach(files::add);
        }
        return files;
    }
}

package io.gregor.benchmarks.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Start-to-ready of the Gregor testkit and of spring-kafka-test's EmbeddedKafkaKraftBroker, in
 * the same run: each side in {@code --jvms} fresh JVMs (alternating, so that neither always
 * runs on a cooler machine), each JVM starting and stopping its cluster {@code --iterations}
 * times. Prints a Markdown table of medians; the children's own output goes to
 * {@code --logs}. A benchmark, not a test: nothing is asserted.
 *
 * <pre>
 * java -cp benchmarks/testkit-startup/target/classes io.gregor.benchmarks.startup.StartupComparison \
 *     --gregor-classpath CP --kafka-classpath CP [--jvms 3] [--iterations 6] [--logs DIR] [--jvm-options "OPTS"]
 * </pre>
 */
public final class StartupComparison {
    private static final String GREGOR = "Gregor testkit";
    private static final String KAFKA = "EmbeddedKafkaKraftBroker";

    private StartupComparison() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int jvms = Integer.parseInt(options.getOrDefault("jvms", "3"));
        int iterations = Integer.parseInt(options.getOrDefault("iterations", "6"));
        Path logs = Path.of(options.getOrDefault("logs", "target/startup-logs"));
        String jvmOptions = options.getOrDefault("jvm-options", "").trim();
        Files.createDirectories(logs);
        Map<String, Side> sides = new LinkedHashMap<>();
        sides.put(GREGOR, new Side(GregorStartup.class.getName(), required(options, "gregor-classpath"), jvmOptions));
        sides.put(KAFKA, new Side(EmbeddedKafkaStartup.class.getName(), required(options, "kafka-classpath"), jvmOptions));

        String loadBefore = loadAverage();
        for (int jvm = 1; jvm <= jvms; jvm++) {
            List<String> order = new ArrayList<>(sides.keySet());
            if (jvm % 2 == 0) {
                Collections.reverse(order);
            }
            for (String name : order) {
                Side side = sides.get(name);
                Path log = logs.resolve(name.replace(' ', '-') + "-" + jvm + ".log");
                System.err.printf("%s, JVM %d of %d ...%n", name, jvm, jvms);
                side.runOnce(iterations, log);
            }
        }

        System.out.printf("%n%d fresh JVMs per side, %d starts each; Java %s%s, %d cores; load average %s before, %s after."
                + " Milliseconds, median (min-max).%n%n",
            jvms, iterations, System.getProperty("java.version"), jvmOptions.isEmpty() ? "" : " with " + jvmOptions,
            Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage());
        Side gregor = sides.get(GREGOR);
        Side kafka = sides.get(KAFKA);
        System.out.println("| | " + GREGOR + " | " + KAFKA + " (Apache Kafka 4.1.2) | Kafka / Gregor |");
        System.out.println("|---|---:|---:|---:|");
        row("JVM launch to ready (first cluster)", gregor.launch, kafka.launch);
        row("first start in a JVM (cold)", gregor.cold, kafka.cold);
        row("later starts in the same JVM (warm)", gregor.warm, kafka.warm);
        row("stop", gregor.stop, kafka.stop);
    }

    /** The 1-minute load average (Linux), to tell a quiet run from one that shared the cores. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void row(String what, List<Long> gregor, List<Long> kafka) {
        double ratio = (double) median(kafka) / Math.max(1, median(gregor));
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1fx |%n", what, summary(gregor), summary(kafka), ratio);
    }

    private static String summary(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return median(values) + " (" + sorted.get(0) + "-" + sorted.get(sorted.size() - 1) + ")";
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One side's program, class path and measurements over all its JVMs. */
    private static final class Side {
        final String mainClass;
        final String classpath;
        final String jvmOptions;
        final List<Long> launch = new ArrayList<>();
        final List<Long> cold = new ArrayList<>();
        final List<Long> warm = new ArrayList<>();
        final List<Long> stop = new ArrayList<>();

        Side(String mainClass, String classpath, String jvmOptions) {
            this.mainClass = mainClass;
            this.classpath = classpath;
            this.jvmOptions = jvmOptions;
        }

        void runOnce(int iterations, Path log) throws IOException, InterruptedException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java));
            if (!jvmOptions.isEmpty()) {
                command.addAll(List.of(jvmOptions.split("\\s+")));
            }
            command.addAll(List.of("-cp", classpath, mainClass, Integer.toString(iterations)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            boolean first = true;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter logFile = new PrintWriter(Files.newBufferedWriter(log))) {
                String line;
                while ((line = out.readLine()) != null) {
                    logFile.println(line);
                    if (!line.startsWith(StartupTimer.PREFIX)) {
                        continue;
                    }
                    String[] parts = line.substring(StartupTimer.PREFIX.length()).split(" ");
                    long ms = Long.parseLong(parts[1]);
                    switch (parts[0]) {
                        case "launch" -> launch.add(ms);
                        case "start" -> {
                            (first ? cold : warm).add(ms);
                            first = false;
                        }
                        case "stop" -> stop.add(ms);
                        default -> throw new IllegalStateException("Unexpected line " + line);
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0 || first) {
                throw new IllegalStateException(mainClass + " failed (exit " + exit + "); its output is in " + log);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --name value pairs, got " + String.join(" ", args));
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}

package io.cxstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Voice-of-the-Customer trend-alert benchmark: false-alarm rate on stationary synthetic streams and
 * detection delay after an injected NPS drop, with the job's default alert settings (voc.min-sample 30,
 * voc.alert.min-drop 10, voc.alert.min-z 4.0, voc.alert.cooldown 6 h; --min-z and --min-drop to compare others),
 * at two answer volumes. Each scenario
 * runs {@code --runs} times with different seeds; the medians over runs are reported. Event time is simulated,
 * so the figures do not depend on the machine. Writes {@code voc-trend-<time>.json} to {@code --out}.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/bench-classpath.txt)" io.cxstream.bench.VocTrendBench --runs 3
 * </pre>
 */
public final class VocTrendBench {
    private VocTrendBench() {}

    public static void main(String[] args) throws Exception {
        int runs = 3;
        int streams = 20;
        double dropPoints = 30;
        double minZ = 4.0;
        double minDrop = 10.0;
        Path out = Path.of("benchmarks", "results");
        List<Double> volumes = List.of(60.0, 240.0);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                case "--drop" -> dropPoints = Double.parseDouble(args[++i]);
                case "--min-z" -> minZ = Double.parseDouble(args[++i]);
                case "--min-drop" -> minDrop = Double.parseDouble(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i]
                                    + " (known: --runs N, --streams N, --drop POINTS, --min-z Z, --min-drop POINTS, --out DIR)");
            }
        }
        var config = TrendAlertRun.config(minDrop, minZ, Duration.ofHours(6));
        long warmup = 7 * TrendAlertRun.DAY;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "voc-trend-alerts");
        result.put(
                "command",
                "VocTrendBench --runs " + runs + " --streams " + streams + " --drop " + dropPoints + " --min-z " + minZ
                        + " --min-drop " + minDrop);
        result.put(
                "settings",
                Map.of(
                        "min_sample",
                        30,
                        "min_drop",
                        minDrop,
                        "min_z",
                        minZ,
                        "cooldown_hours",
                        6,
                        "warmup_days",
                        7,
                        "stationary_days_measured",
                        7,
                        "drop_days_measured",
                        3,
                        "drop_nps_points",
                        dropPoints,
                        "streams",
                        streams));
        List<Object> scenarios = new ArrayList<>();
        for (double perHour : volumes) {
            List<Double> falseAlarmsPerDay = new ArrayList<>();
            List<Integer> falseAlarms = new ArrayList<>();
            List<Double> medianDelay = new ArrayList<>();
            List<Double> p90Delay = new ArrayList<>();
            List<Integer> missed = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                long started = System.nanoTime();
                var stationary = TrendAlertRun.run(
                        config, 1000 + run, streams, perHour, warmup, 7 * TrendAlertRun.DAY, 0, false);
                var dropped = TrendAlertRun.run(
                        config, 2000 + run, streams, perHour, warmup, 3 * TrendAlertRun.DAY, dropPoints, true);
                seconds.add((System.nanoTime() - started) / 1e9);
                double dimensionDays = stationary.dimensionMinutesTested() / (24.0 * 60);
                falseAlarms.add(stationary.alerts());
                falseAlarmsPerDay.add(stationary.alerts() / dimensionDays);
                List<Long> delays = new ArrayList<>(dropped.delaysMillis());
                Collections.sort(delays);
                medianDelay.add(delays.isEmpty() ? Double.NaN : delays.get(delays.size() / 2) / 60_000.0);
                p90Delay.add(
                        delays.isEmpty()
                                ? Double.NaN
                                : delays.get((int) Math.min(delays.size() - 1, Math.ceil(0.9 * delays.size()) - 1))
                                        / 60_000.0);
                missed.add(dropped.missed());
                System.out.printf(
                        "volume %.0f/h run %d: %d false alarms in %.0f touchpoint-days; drop detected %d/%d, "
                                + "delay median %.0f min, p90 %.0f min (%.1f s)%n",
                        perHour,
                        run + 1,
                        stationary.alerts(),
                        dimensionDays,
                        streams - dropped.missed(),
                        streams,
                        medianDelay.get(run),
                        p90Delay.get(run),
                        seconds.get(run));
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("answers_per_hour_per_touchpoint", perHour);
            s.put("false_alarms_per_run", falseAlarms);
            s.put("false_alarms_per_touchpoint_day_per_run", falseAlarmsPerDay);
            s.put("false_alarms_per_touchpoint_day_median", median(falseAlarmsPerDay));
            s.put("detection_delay_minutes_median_per_run", medianDelay);
            s.put("detection_delay_minutes_p90_per_run", p90Delay);
            s.put("detection_delay_minutes_median", median(medianDelay));
            s.put("detection_delay_minutes_p90_median", median(p90Delay));
            s.put("drops_missed_per_run", missed);
            s.put("seconds_per_run", seconds);
            scenarios.add(s);
            System.out.printf(
                    "volume %.0f/h, median of %d runs: %.4f false alarms per touchpoint-day; detection delay median %.0f min, "
                            + "p90 %.0f min%n",
                    perHour, runs, median(falseAlarmsPerDay), median(medianDelay), median(p90Delay));
        }
        result.put("scenarios", scenarios);
        Files.createDirectories(out);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path file = out.resolve("voc-trend-" + stamp + ".json");
        try {
            Files.writeString(file, Json.write(result) + "\n");
        } catch (IOException e) {
            throw new IOException("cannot write " + file, e);
        }
        System.out.println("wrote " + file);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
}

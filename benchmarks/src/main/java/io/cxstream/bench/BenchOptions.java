package io.cxstream.bench;

import org.apache.flink.util.TimeUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@link BenchMain}. {@code --quick} sets a small profile (finishes in well under three
 * minutes on two cores); every other option overrides the profile's value.
 *
 * @param quick whether the quick profile was chosen
 * @param customers distinct simulated customers
 * @param events events preloaded for the limit and throughput phases
 * @param duration how long each latency run sends events
 * @param warmup alerts whose last evidence is within this long after a latency run started are not recorded
 * @param rates input rates (events/s) of the latency runs, one job run per rate
 * @param parallelism job parallelism (and partitions per topic)
 * @param out directory of the result files
 * @param throughputTimeout give up on the throughput phase after this long
 */
public record BenchOptions(boolean quick, long customers, long events, Duration duration, Duration warmup,
        List<Double> rates, int parallelism, Path out, Duration throughputTimeout) {

    static final String USAGE = "usage: BenchMain [--quick] [--customers N] [--events N] [--duration 2min] "
            + "[--warmup 10s] [--rates 1000,5000] [--parallelism 1] [--out benchmarks/results]";

    public static BenchOptions parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        long customers = quick ? 20_000 : 1_000_000;
        long events = quick ? 50_000 : 2_000_000;
        Duration duration = quick ? Duration.ofSeconds(25) : Duration.ofMinutes(2);
        Duration warmup = quick ? Duration.ofSeconds(5) : Duration.ofSeconds(15);
        List<Double> rates = quick ? List.of(500.0) : List.of(1_000.0, 5_000.0);
        int parallelism = 1;
        Path out = Path.of("benchmarks", "results");
        Duration timeout = quick ? Duration.ofSeconds(90) : Duration.ofMinutes(30);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) {
                continue;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad argument '" + a + "'; " + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--customers" -> customers = (long) Double.parseDouble(v);
                case "--events" -> events = (long) Double.parseDouble(v);
                case "--duration" -> duration = TimeUtils.parseDuration(v);
                case "--warmup" -> warmup = TimeUtils.parseDuration(v);
                case "--rates" -> {
                    List<Double> r = new ArrayList<>();
                    for (String s : v.split(",")) {
                        r.add(Double.parseDouble(s.trim()));
                    }
                    rates = List.copyOf(r);
                }
                case "--parallelism" -> parallelism = Integer.parseInt(v);
                case "--out" -> out = Path.of(v);
                case "--throughput-timeout" -> timeout = TimeUtils.parseDuration(v);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; " + USAGE);
            }
        }
        if (customers <= 0 || events <= 0 || parallelism <= 0 || rates.isEmpty() || rates.stream().anyMatch(r -> r <= 0)) {
            throw new IllegalArgumentException("customers, events, parallelism and rates must be positive; " + USAGE);
        }
        return new BenchOptions(quick, customers, events, duration, warmup, rates, parallelism, out, timeout);
    }
}

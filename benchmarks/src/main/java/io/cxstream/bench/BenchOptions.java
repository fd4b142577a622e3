package io.cxstream.bench;

import org.apache.flink.util.TimeUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Options of {@link BenchMain}. The full profile is the default; {@code --quick} sets a small profile
 * (well under three minutes on two cores); every other option overrides the profile's value.
 *
 * @param quick whether the quick profile was chosen
 * @param customers distinct simulated customers (limit, throughput, latency)
 * @param events events preloaded for the limit and throughput phases
 * @param duration how long each latency run sends events
 * @param warmup alerts whose last evidence is within this long after a latency run started are not recorded
 * @param rateFractions latency runs at these fractions of the measured sustained maximum
 * @param rates latency runs at these absolute rates instead (events/s); empty = use the fractions
 * @param parallelisms throughput runs at each of these parallelisms (also the partitions per topic);
 *     latency and state runs use the first
 * @param guarantees delivery guarantees to run (exactly-once, at-least-once)
 * @param checkpointInterval checkpoint interval of every job run (exactly-once latency depends on it)
 * @param confirmDuration how long the paced run that confirms a sustained rate lasts
 * @param confirmFraction after the probe, the next paced run is at this fraction of the backlog drain rate
 * @param probeFraction the first paced run (from the drained state) probes at this fraction of the drain rate (above 1)
 * @param sustainRefine paced runs after the first that kept up, narrowing the sustained rate (see {@link SustainSearch})
 * @param stateCustomers state-scale points: customers with state per point
 * @param stateProfile what each state-scale customer sends: {@code minimal} (one PAGE_VIEW) or {@code typical}
 *     (one generated journey, personas mixed as in the throughput load; see {@link TypicalState})
 * @param phases which phases run: limit, throughput, latency, state, jmh
 * @param soak if set, run only the soak test, this long
 * @param soakRate input rate of the soak test
 * @param soakTtl the job's state.ttl in the soak test
 * @param soakCustomers customer id space of the soak test (large = customers churn)
 * @param soakSample how often the soak test samples
 * @param soakTolerance growth of last third over middle third that still counts as flat
 * @param jobSettings extra job settings for every job run ({@code --job key=value})
 * @param jmhArgs extra JMH command-line options for the jmh phase (e.g. "-f 1 -wi 1 -i 1")
 * @param out directory of the result files
 * @param throughputTimeout give up on a backlog drain after this long
 */
public record BenchOptions(
        boolean quick,
        long customers,
        long events,
        Duration duration,
        Duration warmup,
        List<Double> rateFractions,
        List<Double> rates,
        List<Integer> parallelisms,
        List<String> guarantees,
        Duration checkpointInterval,
        Duration confirmDuration,
        double confirmFraction,
        double probeFraction,
        int sustainRefine,
        List<Long> stateCustomers,
        String stateProfile,
        Set<String> phases,
        Duration soak,
        double soakRate,
        Duration soakTtl,
        long soakCustomers,
        Duration soakSample,
        double soakTolerance,
        Map<String, String> jobSettings,
        String jmhArgs,
        Path out,
        Duration throughputTimeout) {

    static final List<String> STATE_PROFILES = List.of("minimal", "typical");
    static final List<String> ALL_PHASES = List.of("limit", "throughput", "latency", "state", "jmh");

    static final String USAGE =
            "usage: BenchMain [--quick] [--customers 1000000] [--events 2000000] [--parallelism 1,2] "
                    + "[--delivery exactly-once,at-least-once] [--checkpoint-interval 1s] [--confirm-duration 60s] "
                    + "[--probe-fraction 1.1] [--confirm-fraction 0.9] [--sustain-refine 2] [--rate-fractions 0.1,0.5,0.8 | --rates 1000,5000] [--duration 2min] [--warmup 15s] "
                    + "[--state-customers 1000000,10000000] [--state-profile minimal|typical] [--phases limit,throughput,latency,state,jmh] [--jmh-args '-f 1'] "
                    + "[--soak 10m [--soak-rate 500] [--soak-ttl 1m] [--soak-customers 100000000] [--soak-sample 10s] "
                    + "[--soak-tolerance 0.25]] [--job key=value ...] [--out benchmarks/results] [--throughput-timeout 30min]";

    public static BenchOptions parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        long customers = quick ? 20_000 : 1_000_000;
        long events = quick ? 50_000 : 2_000_000;
        Duration duration = quick ? Duration.ofSeconds(12) : Duration.ofMinutes(2);
        Duration warmup = quick ? Duration.ofSeconds(3) : Duration.ofSeconds(15);
        List<Double> fractions = quick ? List.of(0.5) : List.of(0.1, 0.5, 0.8);
        List<Double> rates = List.of();
        List<Integer> parallelisms = quick ? List.of(1) : List.of(1, 2);
        List<String> guarantees = List.of("exactly-once", "at-least-once");
        Duration checkpointInterval = Duration.ofSeconds(1);
        Duration confirmDuration = quick ? Duration.ofSeconds(8) : Duration.ofSeconds(60);
        double confirmFraction = 0.9;
        double probeFraction = PrefilledSustain.PROBE_FRACTION;
        int sustainRefine = 2;
        String stateProfile = "minimal";
        List<Long> stateCustomers = quick ? List.of(20_000L) : List.of(1_000_000L, 10_000_000L);
        Set<String> phases = new LinkedHashSet<>(quick ? ALL_PHASES.subList(0, 4) : ALL_PHASES);
        Duration soak = null;
        double soakRate = 500;
        Duration soakTtl = Duration.ofMinutes(1);
        long soakCustomers = 100_000_000L;
        Duration soakSample = Duration.ofSeconds(10);
        double soakTolerance = 0.25;
        Map<String, String> jobSettings = new LinkedHashMap<>();
        String jmhArgs = "";
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
            try {
                switch (a) {
                    case "--customers" -> customers = (long) Double.parseDouble(v);
                    case "--events" -> events = (long) Double.parseDouble(v);
                    case "--duration" -> duration = TimeUtils.parseDuration(v);
                    case "--warmup" -> warmup = TimeUtils.parseDuration(v);
                    case "--rate-fractions" -> fractions = list(v, Double::parseDouble);
                    case "--rates" -> rates = list(v, Double::parseDouble);
                    case "--parallelism", "--parallelisms" -> parallelisms = list(v, Integer::parseInt);
                    case "--delivery", "--delivery-guarantee" ->
                        guarantees = list(v, s -> {
                            if (!s.equals("exactly-once") && !s.equals("at-least-once")) {
                                throw new IllegalArgumentException(
                                        "--delivery: exactly-once or at-least-once, not '" + s + "'");
                            }
                            return s;
                        });
                    case "--checkpoint-interval" -> checkpointInterval = TimeUtils.parseDuration(v);
                    case "--confirm-duration" -> confirmDuration = TimeUtils.parseDuration(v);
                    case "--confirm-fraction" -> confirmFraction = Double.parseDouble(v);
                    case "--probe-fraction" -> probeFraction = Double.parseDouble(v);
                    case "--sustain-refine" -> sustainRefine = Integer.parseInt(v);
                    case "--state-profile" -> {
                        if (!STATE_PROFILES.contains(v)) {
                            throw new IllegalArgumentException(
                                    "--state-profile: one of " + STATE_PROFILES + ", not '" + v + "'");
                        }
                        stateProfile = v;
                    }
                    case "--state-customers" -> stateCustomers = list(v, s -> (long) Double.parseDouble(s));
                    case "--phases" -> {
                        phases = new LinkedHashSet<>(list(v, s -> s));
                        if (!ALL_PHASES.containsAll(phases)) {
                            throw new IllegalArgumentException("--phases: some of " + ALL_PHASES + ", not " + phases);
                        }
                    }
                    case "--soak" -> soak = TimeUtils.parseDuration(v);
                    case "--soak-rate" -> soakRate = Double.parseDouble(v);
                    case "--soak-ttl" -> soakTtl = TimeUtils.parseDuration(v);
                    case "--soak-customers" -> soakCustomers = (long) Double.parseDouble(v);
                    case "--soak-sample" -> soakSample = TimeUtils.parseDuration(v);
                    case "--soak-tolerance" -> soakTolerance = Double.parseDouble(v);
                    case "--job" -> {
                        int eq = v.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--job takes key=value, not '" + v + "'");
                        }
                        jobSettings.put(v.substring(0, eq), v.substring(eq + 1));
                    }
                    case "--jmh-args" -> jmhArgs = v;
                    case "--out" -> out = Path.of(v);
                    case "--throughput-timeout" -> timeout = TimeUtils.parseDuration(v);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'; " + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + ": not a number: '" + v + "'; " + USAGE);
            }
        }
        if (customers <= 0
                || events <= 0
                || parallelisms.isEmpty()
                || parallelisms.stream().anyMatch(p -> p <= 0)
                || stateCustomers.stream().anyMatch(n -> n <= 0)
                || guarantees.isEmpty()) {
            throw new IllegalArgumentException(
                    "customers, events, parallelisms, state customers must be positive; " + USAGE);
        }
        if (fractions.isEmpty() && rates.isEmpty()
                || fractions.stream().anyMatch(f -> f <= 0)
                || rates.stream().anyMatch(r -> r <= 0)
                || confirmFraction <= 0
                || probeFraction <= 0
                || sustainRefine < 0
                || soakRate <= 0
                || soakCustomers <= 0) {
            throw new IllegalArgumentException(
                    "rates, rate fractions, confirm fraction and soak settings must be positive, --sustain-refine not negative; "
                            + USAGE);
        }
        if (phases.contains("latency") && rates.isEmpty() && !phases.contains("throughput")) {
            throw new IllegalArgumentException("--phases latency without throughput needs absolute --rates; " + USAGE);
        }
        return new BenchOptions(
                quick,
                customers,
                events,
                duration,
                warmup,
                fractions,
                rates,
                List.copyOf(parallelisms),
                guarantees,
                checkpointInterval,
                confirmDuration,
                confirmFraction,
                probeFraction,
                sustainRefine,
                List.copyOf(stateCustomers),
                stateProfile,
                phases,
                soak,
                soakRate,
                soakTtl,
                soakCustomers,
                soakSample,
                soakTolerance,
                Map.copyOf(jobSettings),
                jmhArgs,
                out,
                timeout);
    }

    /** The parallelism of latency and state runs. */
    int mainParallelism() {
        return parallelisms.get(0);
    }

    /** Partitions per input topic of the shared backlog: enough for every parallelism. */
    int backlogPartitions() {
        return parallelisms.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    private static <T> List<T> list(String v, Function<String, T> parse) {
        List<T> r = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                r.add(parse.apply(s.trim()));
            }
        }
        return List.copyOf(r);
    }
}

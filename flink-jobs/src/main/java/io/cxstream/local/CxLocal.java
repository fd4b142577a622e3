package io.cxstream.local;

import io.cxstream.config.CxConfig;
import io.cxstream.config.InvalidConfigException;

import java.io.PrintStream;
import java.util.Map;

/**
 * The embedded default: a real Kafka broker (KRaft), the cx-stream job on the Flink MiniCluster and,
 * in {@code demo} mode, synthetic customers — everything in this one JVM. Started by {@code ./cx}.
 *
 * <ul>
 *   <li>{@code demo}: broker + job + generator; prints each outreach and a running summary.
 *   <li>{@code serve}: broker + job on a known port, for your own events.
 *   <li>{@code voc}: the Voice-of-the-Customer view of a running demo or serve ({@link VocView}).
 *   <li>{@code options}: the job's settings as a Markdown table.
 * </ul>
 * Options of its own: {@code --duration}, {@code --rate}, {@code --customers}, {@code --kafka-port},
 * {@code --metrics-port} (cx-stream's Prometheus reporter, default {@value PrometheusReporterSettings#DEFAULT_PORT},
 * 0 disables), {@code --flink-metrics-port} (Flink's, default {@value PrometheusReporterSettings#DEFAULT_FLINK_PORT},
 * or 0 when {@code --metrics-port} is 0),
 * {@code --parallelism}, {@code --summary-every}, {@code --voc-degrade-after} (3 min) and
 * {@code --voc-rate} (3600 survey answers an hour per touchpoint); every other {@code --key value} is a job setting
 * ({@link LocalSettings}). Ctrl-C or the end of {@code --duration} stops it cleanly ({@link LocalRun}).
 * Exit status: 0, 1 when the job ended by itself, 2 for a configuration error (printed naming its key).
 */
public final class CxLocal {
    private final PrintStream out;
    private final LocalSettings settings;

    /** A demo or serve run of {@code args}, printing to {@code out}; a bad option fails here, naming it. */
    CxLocal(String mode, Map<String, String> args, PrintStream out) {
        this.out = out;
        this.settings = LocalSettings.parse(mode, args);
    }

    /** The job settings this run starts with: the local defaults, then the arguments. */
    Map<String, String> jobSettings() {
        return Map.copyOf(settings.jobSettings());
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 ? "demo" : args[0];
        String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        int status;
        try {
            if ("options".equals(mode)) {
                System.out.print(OptionsTable.markdown());
                return;
            }
            if ("voc".equals(mode)) {
                System.exit(VocView.run(CxConfig.parseArgs(rest), System.out));
                return;
            }
            if (!"demo".equals(mode) && !"serve".equals(mode)) {
                throw new InvalidConfigException(mode, "unknown mode; use demo, serve, voc or options");
            }
            status = new CxLocal(mode, CxConfig.parseArgs(rest), System.out).run();
        } catch (InvalidConfigException e) {
            System.err.println("cx: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** Runs until Ctrl-C, the end of --duration, or the job's end; returns the exit status. */
    int run() throws Exception {
        return new LocalRun(settings, out).run();
    }
}

package io.cxstream.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jmh phase: runs the JMH microbenchmarks of {@code io.cxstream.bench.jmh} through JMH's
 * {@link Runner} (forked JVMs, same classpath and JVM flags as this one) and returns their scores for
 * the report. Defaults: 1 fork, 3 × 2 s warm-up, 5 × 2 s measurement; {@code --jmh-args} passes any
 * JMH command-line option (e.g. {@code "-f 2 -i 10"} or a benchmark regex). The raw JMH JSON goes to
 * {@code --out}/jmh-results.json. For JMH on its own: {@code ./cx bench --jmh [JMH options]}.
 */
final class Microbenchmarks {
    static final String INCLUDE = "io\\.cxstream\\.bench\\.jmh\\..*";

    private final BenchMain bench;

    Microbenchmarks(BenchMain bench) {
        this.bench = bench;
    }

    List<Object> run() throws Exception {
        String args = bench.options().jmhArgs().trim();
        CommandLineOptions cli = new CommandLineOptions(args.isEmpty() ? new String[0] : args.split("\\s+"));
        Files.createDirectories(bench.options().out());
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .parent(cli)
                .resultFormat(ResultFormatType.JSON)
                .result(bench.options().out().resolve("jmh-results.json").toString());
        if (cli.getIncludes().isEmpty()) {
            builder.include(INCLUDE);
        }
        if (cli.getForkCount().hasValue() == false) {
            builder.forks(1);
        }
        if (cli.getWarmupIterations().hasValue() == false) {
            builder.warmupIterations(3);
        }
        if (cli.getWarmupTime().hasValue() == false) {
            builder.warmupTime(TimeValue.seconds(2));
        }
        if (cli.getMeasurementIterations().hasValue() == false) {
            builder.measurementIterations(5);
        }
        if (cli.getMeasurementTime().hasValue() == false) {
            builder.measurementTime(TimeValue.seconds(2));
        }
        bench.log("jmh: running the microbenchmarks (%s) ...", args.isEmpty() ? "defaults" : args);
        List<Object> results = new ArrayList<>();
        for (RunResult r : new Runner(builder.build()).run()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", r.getParams().getBenchmark().replace("io.cxstream.bench.jmh.", ""));
            Map<String, String> params = new LinkedHashMap<>();
            for (String key : r.getParams().getParamsKeys()) {
                params.put(key, r.getParams().getParam(key));
            }
            m.put("params", params);
            m.put("mode", r.getParams().getMode().shortLabel());
            m.put("score", BenchMain.round(r.getPrimaryResult().getScore(), 3));
            double error = r.getPrimaryResult().getScoreError();
            m.put("error", Double.isNaN(error) ? -1 : BenchMain.round(error, 3));
            m.put("unit", r.getPrimaryResult().getScoreUnit());
            results.add(m);
        }
        return results;
    }
}

package io.cxstream.testing;

import io.cxstream.CxJob;
import io.cxstream.config.CxConfig;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Map;

/** Starts the real job (Kafka source and sinks) on the test's MiniCluster. */
public final class CxJobRunner {
    private CxJobRunner() {}

    public static JobClient start(Map<String, String> settings, int parallelism) throws Exception {
        CxConfig config = CxConfig.fromMap(settings, Map.of());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(CxJob.flinkConfiguration(config));
        env.setParallelism(parallelism);
        CxJob.onKafka(config).build(env);
        return env.executeAsync("cx-stream-it");
    }
}

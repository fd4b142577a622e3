package io.cxstream.testing;

import io.cxstream.CxJob;
import io.cxstream.config.CxConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Map;

/**
 * Starts a NEW instance of the real job (as {@link CxJobRunner} does) from a savepoint, the way a
 * deployment does on an upgrade: {@code execution.state-recovery.path} (formerly
 * {@code execution.savepoint.path}) on top of the job's own Flink settings.
 */
public final class SavepointJobRunner {
    private SavepointJobRunner() {}

    public static JobClient start(Map<String, String> settings, int parallelism, String savepointPath)
            throws Exception {
        CxConfig config = CxConfig.fromMap(settings, Map.of());
        Configuration flink = CxJob.flinkConfiguration(config);
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepointPath);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        CxJob.onKafka(config).build(env);
        return env.executeAsync("cx-stream-it-resumed");
    }
}

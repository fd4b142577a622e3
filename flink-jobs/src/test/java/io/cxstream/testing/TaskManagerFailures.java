package io.cxstream.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real failure for a job on a MiniCluster of ONE TaskManager: the TaskManager running every task is
 * shut down (its tasks die mid-stream, its local RocksDB state is gone), a fresh one is started, and
 * the job has to come back on its own: its restart strategy restarts it and it restores its keyed
 * state, CEP partial matches, Kafka offsets and sink transactions from the latest completed
 * checkpoint. No hook in the job is involved.
 *
 * <p>The MiniCluster numbers its TaskManagers in start order and never reuses a number; this class
 * remembers, per cluster, which one is alive.
 */
public final class TaskManagerFailures {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerFailures.class);
    /** Per cluster: how many TaskManagers this class started (the live one has this index). */
    private static final Map<MiniCluster, Integer> REPLACEMENTS = new WeakHashMap<>();

    private TaskManagerFailures() {}

    /** What a recovery came back with. */
    public record Recovery(long restoredCheckpointId, long restoresSoFar) {}

    /** Waits until the job is RUNNING with every task RUNNING. */
    public static AccessExecutionGraph awaitAllTasksRunning(MiniCluster cluster, JobID job, Duration timeout)
            throws InterruptedException {
        return Poll.until(
                "all tasks of job " + job + " to run",
                timeout,
                () -> graph(cluster, job),
                TaskManagerFailures::allRunning);
    }

    /**
     * Kills the live TaskManager, starts a replacement and waits until the job has restored from a
     * checkpoint (one more restore than before) and runs all its tasks again.
     */
    public static Recovery killTaskManagerAndAwaitRecovery(MiniCluster cluster, JobID job, Duration timeout)
            throws Exception {
        long restoresBefore = restores(graph(cluster, job));
        int live;
        synchronized (REPLACEMENTS) {
            live = REPLACEMENTS.getOrDefault(cluster, 0);
            REPLACEMENTS.put(cluster, live + 1);
        }
        LOG.info("Killing TaskManager {} under job {} (restores so far: {})", live, job, restoresBefore);
        cluster.terminateTaskManager(live).get(1, TimeUnit.MINUTES);
        cluster.startTaskManager();
        AccessExecutionGraph g = Poll.until(
                "job " + job + " to restore from a checkpoint and run again after TaskManager " + live + " died",
                timeout,
                () -> graph(cluster, job),
                graph -> restores(graph) > restoresBefore && allRunning(graph));
        RestoredCheckpointStats restored = g.getCheckpointStatsSnapshot().getLatestRestoredCheckpoint();
        LOG.info(
                "Job {} restored checkpoint {} and runs again on TaskManager {}",
                job,
                restored.getCheckpointId(),
                live + 1);
        return new Recovery(restored.getCheckpointId(), restores(g));
    }

    public static AccessExecutionGraph graph(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
    }

    public static long restores(AccessExecutionGraph g) {
        CheckpointStatsSnapshot stats = g.getCheckpointStatsSnapshot();
        return stats == null ? 0 : stats.getCounts().getNumberOfRestoredCheckpoints();
    }

    private static boolean allRunning(AccessExecutionGraph g) {
        if (g.getState() != JobStatus.RUNNING) {
            return false;
        }
        for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
            if (v.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }
}

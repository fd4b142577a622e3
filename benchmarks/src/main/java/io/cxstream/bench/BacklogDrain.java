package io.cxstream.bench;

import io.cxstream.config.CxConfig;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.flink.core.execution.JobClient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The drain of the throughput phase ({@link PrefilledSustain}): the running job reads the run's preloaded backlog
 * from earliest; it is done when the source has read all of it and no operator's {@code numRecordsIn} changed for
 * {@link PrefilledSustain#QUIET}. Reports the drain rate with its outputs, CPU, state caches and checkpoints; the
 * job is left running, its RocksDB holding every customer of the backlog.
 */
final class BacklogDrain {
    private final BenchMain bench;
    private final EmbeddedKafkaBroker broker;

    BacklogDrain(BenchMain bench, EmbeddedKafkaBroker broker) {
        this.bench = bench;
        this.broker = broker;
    }

    /** Drains the backlog with the running job; leaves it running. */
    Map<String, Object> drain(
            JobClient job,
            String name,
            CxConfig config,
            long total,
            String guarantee,
            int parallelism,
            String run,
            long submitted)
            throws Exception {
        bench.log(
                "throughput %s p%d: draining the backlog of %,d events (RocksDB, every rule) ...",
                guarantee, parallelism, total);
        ThreadCpu cpuBefore = ThreadCpu.now();
        CacheCounts cacheBefore = CacheCounts.now(name);
        int checkpointsBefore = CheckpointSpans.mark();
        long running = System.nanoTime();
        long sourceDone = -1;
        long lastChange = running;
        long lastIn = -1;
        long read = -1;
        boolean done = false;
        long lastLog = running;
        long deadline = running + bench.options().throughputTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            read = JobProgress.recordsRead(name);
            long in = JobProgress.recordsInAllOperators(name);
            long now = System.nanoTime();
            if (in != lastIn) {
                lastIn = in;
                lastChange = now;
            }
            if (read >= total && sourceDone < 0) {
                sourceDone = now;
            }
            if (sourceDone >= 0 && now - lastChange > PrefilledSustain.QUIET.toNanos()) {
                done = true;
                break;
            }
            if (now - lastLog > TimeUnit.SECONDS.toNanos(2)) {
                lastLog = now;
                bench.log(
                        "throughput %s p%d: read %,d of %,d, lag %,d (%,.0f events/s so far)",
                        guarantee,
                        parallelism,
                        read,
                        total,
                        total - Math.max(0, read),
                        Math.max(0, read) / BenchMain.seconds(running));
            }
            BenchJobs.failIfEnded(job, run);
            Thread.sleep(50); // polling metrics
        }
        if (!done) {
            throw new IllegalStateException(run + ": the job read only " + read + " of " + total + " records within "
                    + bench.options().throughputTimeout());
        }
        double s = (lastChange - running) / 1e9;
        double rate = total / s;
        Map<String, Long> outputs =
                BenchJobs.endOffsets(broker, config.contactCenterTopic, config.marketingTopic, config.deadLetterTopic);
        Map<String, Object> cpu = ThreadCpu.now().since(cpuBefore, total, 8);
        bench.log(
                "throughput %s p%d: drained %,d events in %.2f s after RUNNING = %,.0f events/s; outputs %s; CPU per event:"
                        + " journey task thread %.1f µs, process %.1f µs",
                guarantee,
                parallelism,
                total,
                s,
                rate,
                outputs,
                ThreadCpu.usPerEvent(cpu, "journey"),
                cpu.get("process_cpu_us_per_event"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", total);
        m.put("timing", "flink metrics (source read all + operators quiet)");
        m.put("source_read_s", BenchMain.round((sourceDone - running) / 1e9, 2));
        m.put("submit_to_running_s", BenchMain.round((running - submitted) / 1e9, 2));
        m.put("elapsed_s", BenchMain.round(s, 2));
        m.put("events_per_s", Math.round(rate));
        m.put("outputs", outputs);
        m.put("cpu", cpu);
        m.put("state_cache", CacheCounts.now(name).since(cacheBefore));
        m.put("checkpoints_by_task", CheckpointSpans.since(checkpointsBefore, JobProgress.taskNames(name)));
        return m;
    }
}

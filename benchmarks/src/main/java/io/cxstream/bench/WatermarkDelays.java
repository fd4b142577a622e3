package io.cxstream.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far behind the wall clock the journey's and the outreach decision's event time are, sampled while a
 * paced load runs (its events are stamped with the time they are sent): about how long a pending event
 * or a finding waits there, the job's lag included. Per operator, mean and highest over the samples.
 *
 * <p>The journey's is its output watermark: its input watermark gauge (Flink's {@code
 * currentInputWatermark}, and even {@code currentInput1Watermark}) stayed at its initial value in the
 * harness, while its output, the event time its timers fire at, advances. The decision's is its input
 * watermark.
 */
final class WatermarkDelays {
    private static final String[][] GAUGES = {
        {"journey", "currentOutputWatermark"}, {"outreach-decision", "currentInputWatermark"}
    };

    private final String job;
    private final long[] sum = new long[GAUGES.length];
    private final long[] max = new long[GAUGES.length];
    private final int[] count = new int[GAUGES.length];

    WatermarkDelays(String job) {
        this.job = job;
    }

    /** Takes one sample of each operator's delay now (skipped for an operator with no watermark yet). */
    void sample() {
        long now = System.currentTimeMillis();
        for (int i = 0; i < GAUGES.length; i++) {
            long watermark = JobProgress.watermark(job, GAUGES[i][0], GAUGES[i][1]);
            if (watermark != Long.MIN_VALUE) {
                long delay = now - watermark;
                sum[i] += delay;
                max[i] = count[i] == 0 ? delay : Math.max(max[i], delay);
                count[i]++;
            }
        }
    }

    /** Per operator: {@code mean} and {@code max} delay in ms (null when never sampled). */
    Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < GAUGES.length; i++) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("mean", count[i] == 0 ? null : sum[i] / count[i]);
            one.put("max", count[i] == 0 ? null : max[i]);
            m.put(GAUGES[i][0], one);
        }
        return m;
    }
}

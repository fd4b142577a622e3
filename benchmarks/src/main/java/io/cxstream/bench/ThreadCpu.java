package io.cxstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of this process and of its Java threads over one phase (broker, MiniCluster and generator
 * share the JVM and the cores). On a small machine a drain's wall-clock rate also carries the JIT
 * compiler's warm-up, which competes for the same cores; the CPU time of the task thread that does the
 * per-customer work, per event, is the figure that shows a change to that work whatever else runs.
 * Threads are grouped by name with digits folded ({@code journey -> ... (1/1)#0}), the JIT's compiler
 * threads are not Java threads and count only in the process total.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long processNanos;
    private final Map<Long, Long> byThread;

    private ThreadCpu(long processNanos, Map<Long, Long> byThread) {
        this.processNanos = processNanos;
        this.byThread = byThread;
    }

    /** The CPU time used so far by the process and by each live thread. */
    static ThreadCpu now() {
        Map<Long, Long> byThread = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported()) {
            for (long id : THREADS.getAllThreadIds()) {
                long t = THREADS.getThreadCpuTime(id);
                if (t >= 0) {
                    byThread.put(id, t);
                }
            }
        }
        return new ThreadCpu(processCpuNanos(), byThread);
    }

    /**
     * What was used since {@code before}, per event: the process's CPU seconds, and the CPU seconds and
     * microseconds per event of the {@code top} busiest thread groups (those alive at the end).
     */
    Map<String, Object> since(ThreadCpu before, long events, int top) {
        Map<String, Long> groups = new HashMap<>();
        for (Map.Entry<Long, Long> e : byThread.entrySet()) {
            ThreadInfo info = THREADS.getThreadInfo(e.getKey());
            if (info != null) {
                long used = e.getValue() - before.byThread.getOrDefault(e.getKey(), 0L);
                groups.merge(info.getThreadName().replaceAll("\\d+", "N"), used, Long::sum);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("process_cpu_s", BenchMain.round((processNanos - before.processNanos) / 1e9, 2));
        m.put("process_cpu_us_per_event", BenchMain.round((processNanos - before.processNanos) / 1e3 / events, 2));
        List<Map.Entry<String, Long>> busiest = groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .collect(Collectors.toList());
        Map<String, Object> threads = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : busiest) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("cpu_s", BenchMain.round(e.getValue() / 1e9, 2));
            t.put("cpu_us_per_event", BenchMain.round(e.getValue() / 1e3 / events, 2));
            threads.put(e.getKey(), t);
        }
        m.put("threads", threads);
        return m;
    }

    /** The CPU microseconds per event of the busiest thread whose name starts with {@code prefix} (-1: none). */
    static double usPerEvent(Map<String, Object> since, String prefix) {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> threads = (Map<String, Map<String, Object>>) since.get("threads");
        for (Map.Entry<String, Map<String, Object>> e : threads.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                return ((Number) e.getValue().get("cpu_us_per_event")).doubleValue();
            }
        }
        return -1;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
                : -1;
    }
}

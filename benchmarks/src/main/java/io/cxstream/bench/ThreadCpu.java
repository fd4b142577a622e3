package io.cxstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * threads are not Java threads and count only in the process total; on Linux the {@code os_threads}
 * groups (every thread of the process by its kernel name, from {@code /proc/self/task}) show them, with
 * the garbage collector's and RocksDB's native threads.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long processNanos;
    private final Map<Long, Long> byThread;
    private final Map<String, Long> byOsThread;

    private ThreadCpu(long processNanos, Map<Long, Long> byThread, Map<String, Long> byOsThread) {
        this.processNanos = processNanos;
        this.byThread = byThread;
        this.byOsThread = byOsThread;
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
        return new ThreadCpu(processCpuNanos(), byThread, osThreads());
    }

    /**
     * Every thread of the process by task id and kernel name ({@code tid name}), with its CPU nanoseconds
     * so far ({@code schedstat}); empty where {@code /proc} does not have them.
     */
    private static Map<String, Long> osThreads() {
        Map<String, Long> m = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return m;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
            for (Path task : dirs) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String sched = Files.readString(task.resolve("schedstat")).trim();
                    long nanos = Long.parseLong(sched.substring(0, sched.indexOf(' ')));
                    m.put(task.getFileName() + " " + name, nanos);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read, or the kernel keeps no schedstat: leave it out
                }
            }
        } catch (IOException e) {
            return m;
        }
        return m;
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
        Map<String, Object> threads = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : busiest(groups, top)) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("cpu_s", BenchMain.round(e.getValue() / 1e9, 2));
            t.put("cpu_us_per_event", BenchMain.round(e.getValue() / 1e3 / events, 2));
            threads.put(e.getKey(), t);
        }
        m.put("threads", threads);
        Map<String, Long> osGroups = new HashMap<>();
        for (Map.Entry<String, Long> e : byOsThread.entrySet()) {
            String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            long used = e.getValue() - before.byOsThread.getOrDefault(e.getKey(), 0L);
            osGroups.merge(name.replaceAll("\\d+", "N"), used, Long::sum);
        }
        if (!osGroups.isEmpty()) {
            Map<String, Object> os = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : busiest(osGroups, top + 4)) {
                os.put(e.getKey(), BenchMain.round(e.getValue() / 1e9, 2));
            }
            m.put("os_threads_cpu_s", os);
        }
        return m;
    }

    /** The {@code top} groups that used the most CPU, busiest first. */
    private static List<Map.Entry<String, Long>> busiest(Map<String, Long> groups, int top) {
        return groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .collect(Collectors.toList());
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

    /** The CPU nanoseconds the calling thread has used so far (-1 where the JVM does not measure it). */
    static long currentThreadNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
                : -1;
    }
}

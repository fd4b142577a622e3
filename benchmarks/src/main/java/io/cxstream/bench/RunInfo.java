package io.cxstream.bench;

import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a result file says about the machine and the whole run: cores, memory, versions, peak heap and RSS. */
final class RunInfo {
    private RunInfo() {}

    static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_total_mib", ProcessMemory.procKib("/proc/meminfo", "MemTotal:") / 1024);
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("flink", EnvironmentInformation.getVersion());
        m.put("kafka", AppInfoParser.getVersion());
        m.put("load_average", ProcessMemory.loadAverage());
        return m;
    }

    static Map<String, Object> wholeRunMemory() {
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_heap_mib", peakHeap / (1024 * 1024));
        m.put("peak_rss_mib", ProcessMemory.procKib("/proc/self/status", "VmHWM:") / 1024);
        m.put("rss_now_mib", ProcessMemory.rssKib() / 1024);
        m.put(
                "note",
                "one JVM: broker + MiniCluster (RocksDB native memory in RSS) + generator + consumers; "
                        + "peak heap = sum of the heap pools' peaks (an upper bound)");
        return m;
    }
}

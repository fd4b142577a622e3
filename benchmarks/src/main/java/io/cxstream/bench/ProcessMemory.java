package io.cxstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory of this process (broker + MiniCluster + generator + consumers: everything runs in one JVM).
 * A daemon thread samples heap used and RSS every {@link #INTERVAL_MS} ms and keeps the peaks since the
 * last {@link #reset()}, so each phase can report its own peak (the JVM's pool peaks and VmHWM only
 * know the whole run's).
 */
final class ProcessMemory implements AutoCloseable {
    static final long INTERVAL_MS = 500;
    private static final long MIB = 1024 * 1024;

    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakRss = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    ProcessMemory() {
        thread = new Thread(this::loop, "bench-memory");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(INTERVAL_MS); // sampling period
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        peakHeap.accumulateAndGet(heapUsed(), Math::max);
        peakRss.accumulateAndGet(rssKib() * 1024, Math::max);
    }

    /** Forgets the peaks: the next {@link #peaks()} covers the time from now. */
    void reset() {
        peakHeap.set(0);
        peakRss.set(0);
        sample();
    }

    /** Peak heap used and peak RSS (sampled) since the last reset, in MiB. */
    Map<String, Object> peaks() {
        sample();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_heap_used_mib", peakHeap.get() / MIB);
        m.put("peak_rss_mib", peakRss.get() / MIB);
        return m;
    }

    /** Heap in use now (all heap pools), bytes. */
    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size now, KiB (-1 off Linux). */
    static long rssKib() {
        return procKib("/proc/self/status", "VmRSS:");
    }

    static long procKib(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }

    /** The 1-minute load average (other processes share the cores: numbers under load mean little), -1 if unknown. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Bytes of all regular files under a directory (0 if it does not exist). */
    static long directoryBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // deleted while walking (RocksDB compaction, checkpoint cleanup)
                        }
                    })
                    .sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}

package io.cxstream.bench;

import io.cxstream.io.Metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's heap state caches' counters at one moment (the journey's and the outreach decision's hits,
 * misses and backend writes, summed over subtasks), and what changed between two moments as a report's
 * map: a hit rate that falls shows values read back from RocksDB.
 */
final class CacheCounts {
    private static final List<String> NAMES = List.of(
            Metrics.JOURNEY_CACHE_HITS,
            Metrics.JOURNEY_CACHE_MISSES,
            Metrics.JOURNEY_STATE_WRITES,
            Metrics.OUTREACH_CACHE_HITS,
            Metrics.OUTREACH_CACHE_MISSES,
            Metrics.OUTREACH_STATE_WRITES);

    private final Map<String, Long> counts;

    private CacheCounts(Map<String, Long> counts) {
        this.counts = counts;
    }

    static CacheCounts now(String job) {
        return new CacheCounts(JobProgress.counters(job, NAMES));
    }

    /** {@code journey} and {@code outreach_decision}: hits, misses, hit rate and writes since {@code before}. */
    Map<String, Object> since(CacheCounts before) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "journey",
                one(before, Metrics.JOURNEY_CACHE_HITS, Metrics.JOURNEY_CACHE_MISSES, Metrics.JOURNEY_STATE_WRITES));
        m.put(
                "outreach_decision",
                one(before, Metrics.OUTREACH_CACHE_HITS, Metrics.OUTREACH_CACHE_MISSES, Metrics.OUTREACH_STATE_WRITES));
        return m;
    }

    private Map<String, Object> one(CacheCounts before, String hitsName, String missesName, String writesName) {
        long hits = delta(before, hitsName);
        long misses = delta(before, missesName);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hits", hits);
        m.put("misses", misses);
        m.put("hit_rate", hits + misses == 0 ? null : BenchMain.round((double) hits / (hits + misses), 4));
        m.put("writes", delta(before, writesName));
        return m;
    }

    private long delta(CacheCounts before, String name) {
        return counts.get(name) - before.counts.get(name);
    }
}

package io.cxstream.bench;

import io.cxstream.io.Metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's heap state caches' counters at one moment (the journey's and the outreach decision's hits,
 * misses and backend writes, summed over subtasks), and what changed between two moments as a report's
 * map: a hit rate that falls shows values read back from RocksDB.
 */
final class CacheCounts {
    /** Per cache: its name in the report, then its hits, misses and writes counters. */
    private static final String[][] CACHES = {
        {"journey", Metrics.JOURNEY_CACHE_HITS, Metrics.JOURNEY_CACHE_MISSES, Metrics.JOURNEY_STATE_WRITES},
        {"outreach_decision", Metrics.OUTREACH_CACHE_HITS, Metrics.OUTREACH_CACHE_MISSES, Metrics.OUTREACH_STATE_WRITES}
    };

    private static final List<String> NAMES =
            Arrays.stream(CACHES).flatMap(c -> Arrays.stream(c, 1, c.length)).toList();

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
        for (String[] cache : CACHES) {
            long hits = delta(before, cache[1]);
            long misses = delta(before, cache[2]);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("hits", hits);
            one.put("misses", misses);
            one.put("hit_rate", hits + misses == 0 ? null : BenchMain.round((double) hits / (hits + misses), 4));
            one.put("writes", delta(before, cache[3]));
            m.put(cache[0], one);
        }
        return m;
    }

    private long delta(CacheCounts before, String name) {
        return counts.get(name) - before.counts.get(name);
    }
}

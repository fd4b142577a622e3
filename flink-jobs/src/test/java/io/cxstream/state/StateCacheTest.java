package io.cxstream.state;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journey's heap cache: least recently used out first, never a value past the state's TTL; with write-back,
 * each held-back change reaches the backend exactly once, on eviction or flush, under its own key.
 */
class StateCacheTest {
    @Test
    void returnsTheLastValueWrittenUntilTheTtlHasPassedSinceTheWrite() throws Exception {
        StateCache<String> cache = new StateCache<>(10, 1_000);
        cache.put("c1", "v1", 5_000);
        cache.put("c1", "v2", 5_500);
        assertThat(cache.get("c1", 6_499)).isEqualTo("v2");
        assertThat(cache.get("c1", 6_500))
                .as("the backend would not return it either")
                .isNull();
        assertThat(cache.get("c1", 6_400)).as("and it is gone").isNull();
        assertThat(cache.get("c2", 5_000)).isNull();
    }

    @Test
    void theLeastRecentlyUsedLeavesFirstAndRemoveForgets() throws Exception {
        StateCache<String> cache = new StateCache<>(2, Long.MAX_VALUE);
        cache.put("a", "1", 0);
        cache.put("b", "2", 0);
        assertThat(cache.get("a", 0)).isEqualTo("1"); // a is now more recent than b
        cache.put("c", "3", 0);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b", 0)).isNull();
        assertThat(cache.get("a", 0)).isEqualTo("1");
        cache.remove("a");
        assertThat(cache.get("a", 0)).isNull();
    }

    @Test
    void capacityZeroKeepsNothing() throws Exception {
        StateCache<String> cache = new StateCache<>(0, Long.MAX_VALUE);
        assertThat(cache.enabled()).isFalse();
        cache.writeBackTo((k, v) -> {
            throw new AssertionError("nothing is held back without a cache");
        });
        assertThat(cache.writesBack()).isFalse();
        cache.put("a", "1", 0);
        assertThat(cache.size()).isZero();
    }

    @Test
    void writeBackHoldsChangesUntilEvictionOrFlushAndWritesEachOnce() throws Exception {
        List<String> written = new ArrayList<>();
        StateCache<String> cache = writingBackTo(written, 2, 10_000);
        cache.put("a", "1", 0);
        cache.put("a", "2", 10);
        cache.put("b", "1", 20);
        assertThat(written).as("held back").isEmpty();
        assertThat(cache.pending()).isEqualTo(2);

        cache.put("c", "1", 30);
        assertThat(written).as("the eldest leaves with its last change").containsExactly("a=2");
        assertThat(cache.get("a", 30)).isNull();

        assertThat(cache.flush(40)).isEqualTo(2);
        assertThat(written).containsExactly("a=2", "b=1", "c=1");
        assertThat(cache.get("b", 40)).as("still cached after a flush").isEqualTo("1");
        assertThat(cache.flush(50)).as("nothing changed since").isZero();

        cache.put("b", "2", 60);
        cache.put("d", "1", 70); // c leaves unchanged since the flush: not written again
        assertThat(written).containsExactly("a=2", "b=1", "c=1");
        cache.remove("d");
        assertThat(cache.flush(80)).as("a removed key's change is dropped").isEqualTo(1);
        assertThat(written).containsExactly("a=2", "b=1", "c=1", "b=2");
        assertThat(cache.pending()).isZero();
    }

    @Test
    void writeBackNeverWritesAChangeOlderThanTheTtl() throws Exception {
        List<String> written = new ArrayList<>();
        StateCache<String> cache = writingBackTo(written, 1, 1_000);
        cache.put("a", "1", 0);
        cache.put("b", "1", 1_000); // a leaves expired
        assertThat(cache.flush(1_999)).isEqualTo(1);
        cache.put("b", "2", 2_000);
        assertThat(cache.flush(3_000))
                .as("expired: the backend would not return it")
                .isZero();
        assertThat(written).containsExactly("b=1");
        assertThat(cache.size()).isZero();
        assertThat(cache.pending()).isZero();
    }

    /**
     * Random puts, removes (the caller clears the key's state itself) and flushes over a small cache: after
     * a flush the backend holds what write-through would have, and a flush writes only the values changed
     * since the last one that are still cached (it visits the changes, not the whole cache).
     */
    @Test
    void writeBackEndsWhereWriteThroughWouldInAnyHistory() throws Exception {
        Random random = new Random(18);
        for (int history = 0; history < 200; history++) {
            Map<String, String> backend = new HashMap<>();
            Map<String, String> writeThrough = new HashMap<>();
            Set<String> changedSinceFlush = new HashSet<>();
            int capacity = 1 + random.nextInt(8);
            StateCache<String> cache = new StateCache<>(capacity, Long.MAX_VALUE);
            cache.writeBackTo((k, v) -> {
                backend.put(k, v);
                changedSinceFlush.remove(k);
            });
            for (int op = 0; op < 500; op++) {
                String key = "k" + random.nextInt(3 * capacity);
                int what = random.nextInt(20);
                if (what < 16) {
                    String value = key + "@" + op;
                    cache.put(key, value, op);
                    writeThrough.put(key, value);
                    changedSinceFlush.add(key);
                } else if (what < 19) {
                    cache.remove(key);
                    backend.remove(key);
                    writeThrough.remove(key);
                    changedSinceFlush.remove(key);
                } else {
                    int expected = changedSinceFlush.size();
                    assertThat(cache.flush(op))
                            .as("history %d, op %d", history, op)
                            .isEqualTo(expected);
                    assertThat(backend).isEqualTo(writeThrough);
                    assertThat(cache.pending()).isZero();
                }
                assertThat(cache.pending()).isEqualTo(changedSinceFlush.size());
                assertThat(cache.size()).isLessThanOrEqualTo(capacity);
            }
            cache.flush(500);
            assertThat(backend).as("history %d", history).isEqualTo(writeThrough);
        }
    }

    /** A write-back cache that records each write as {@code key=value}. */
    private static StateCache<String> writingBackTo(List<String> written, int capacity, long ttlMillis) {
        StateCache<String> cache = new StateCache<>(capacity, ttlMillis);
        cache.writeBackTo((k, v) -> written.add(k + "=" + v));
        return cache;
    }
}

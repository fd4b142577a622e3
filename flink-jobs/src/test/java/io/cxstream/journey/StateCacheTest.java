package io.cxstream.journey;

import io.cxstream.config.CxConfig;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.RuleBook;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The journey's write-through heap cache: least recently used out first, never a value past the state's TTL. */
class StateCacheTest {
    @Test
    void returnsTheLastValueWrittenUntilTheTtlHasPassedSinceTheWrite() {
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
    void theLeastRecentlyUsedLeavesFirstAndRemoveForgets() {
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
    void capacityZeroKeepsNothing() {
        StateCache<String> cache = new StateCache<>(0, Long.MAX_VALUE);
        assertThat(cache.enabled()).isFalse();
        cache.put("a", "1", 0);
        assertThat(cache.size()).isZero();
    }

    @Test
    void onlyWithRocksDb() throws Exception {
        for (String backend : new String[] {"rocksdb", "hashmap"}) {
            CxConfig config =
                    CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092", "state.backend", backend), Map.of());
            JourneyFunction f = new JourneyFunction(
                    config, new RuleBook(DefaultRules.load(config), DefaultRules.limits(config), config.cooldown));
            assertThat(f.cacheSize()).as(backend).isEqualTo(backend.equals("rocksdb") ? config.journeyCacheSize : 0);
        }
    }
}

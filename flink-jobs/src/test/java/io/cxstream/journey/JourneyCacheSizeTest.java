package io.cxstream.journey;

import io.cxstream.config.CxConfig;
import io.cxstream.rules.DefaultRules;
import io.cxstream.rules.RuleBook;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The journey's heap cache ({@code journey.cache-size}) is on only where the backend copies on write. */
class JourneyCacheSizeTest {
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

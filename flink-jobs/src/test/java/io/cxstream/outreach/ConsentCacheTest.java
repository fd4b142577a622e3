package io.cxstream.outreach;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.io.Metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static io.cxstream.avro.ConsentAction.OPT_OUT;
import static io.cxstream.avro.ConsentPurpose.SERVICE;
import static io.cxstream.outreach.DecisionHarness.T0;
import static io.cxstream.outreach.DecisionHarness.finding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consent statements behind the decision's heap cache (RocksDB only, {@code outreach.cache-size}
 * customers): read from the state backend once while a customer stays cached, written through at once
 * (nothing to flush at a snapshot), forgotten on erasure, and read again after eviction or a restore.
 */
class ConsentCacheTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final long HOUR = 3_600_000L;

    /** -1: the heap backend (no cache); otherwise RocksDB with a cache of that many customers (0: none). */
    private static DecisionHarness harness(int cache) throws Exception {
        return cache < 0 ? new DecisionHarness(GRACE) : DecisionHarness.onRocksDb(GRACE, cache);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 1, 10})
    void statementsHoldThroughEvictionAndRestoreAndGoWithAnErasure(int cache) throws Exception {
        DecisionHarness h = harness(cache);
        try {
            h.consent("c1", T0, OPT_OUT, SERVICE).consent("c2", T0, OPT_OUT, SERVICE); // c1 leaves a 1-customer cache
            h.send(finding("c1", "DETRACTOR", T0 + 1, "c1-d1")).send(finding("c2", "DETRACTOR", T0 + 1, "c2-d1"));
            h.watermark(T0 + 1 + GRACE.toMillis());
            assertThat(h.out()).as("both opted out of service").isEmpty();

            h.erase("c1", T0 + 10);
            h.send(finding("c1", "DETRACTOR", T0 + HOUR, "c1-d2")).watermark(T0 + HOUR + GRACE.toMillis());
            assertThat(h.out())
                    .as("c1's statements went with the erasure: the default allows service")
                    .extracting(OutreachEvent::getCustomerId)
                    .containsExactly("c1");

            h = h.restart();
            h.send(finding("c2", "DETRACTOR", T0 + 2 * HOUR, "c2-d2")).watermark(T0 + 2 * HOUR + GRACE.toMillis());
            assertThat(h.out()).as("c2's opt-out came through the restore").isEmpty();
            assertThat(h.counter(Metrics.OUTREACH_SUPPRESSED, "reason", OutreachDecisionFunction.SUPPRESSED_CONSENT))
                    .isEqualTo(1);
        } finally {
            h.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10})
    void aCachedCustomersStatementsAreNotReadAgain(int cache) throws Exception {
        try (DecisionHarness h = DecisionHarness.onRocksDb(GRACE, cache)) {
            h.consent("c1", T0, OPT_OUT, SERVICE);
            h.send(finding("c1", "DETRACTOR", T0 + 1, "d1")).watermark(T0 + 1 + GRACE.toMillis());
            assertThat(h.out()).as("opted out").isEmpty();

            h.clearStoredConsent("c1"); // past the operator: only a read from RocksDB sees it
            h.send(finding("c1", "DETRACTOR", T0 + HOUR, "d2")).watermark(T0 + HOUR + GRACE.toMillis());
            assertThat(h.out())
                    .as(cache > 0 ? "read from the cache, not RocksDB" : "read from RocksDB")
                    .extracting(OutreachEvent::getCustomerId)
                    .containsExactlyElementsOf(cache > 0 ? java.util.List.of() : java.util.List.of("c1"));
        }
    }
}

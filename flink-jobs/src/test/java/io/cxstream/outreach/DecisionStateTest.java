package io.cxstream.outreach;

import io.cxstream.avro.DecisionState;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.config.CxConfig;
import io.cxstream.io.Metrics;
import io.cxstream.rules.Trigger;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.cxstream.outreach.DecisionHarness.COOLDOWN;
import static io.cxstream.outreach.DecisionHarness.T0;
import static io.cxstream.outreach.DecisionHarness.finding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision's one value per customer ({@link DecisionStore}): held back by the heap cache on RocksDB
 * until the value leaves the cache or a snapshot is taken, so that checkpoints hold what writing at once
 * would have; and a customer's state of the earlier layout (three states) moved into it after a restore.
 */
class DecisionStateTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final long HOUR = 3_600_000L;

    @Test
    void aHeldFindingIsHeldBackInTheCacheAndInEverySnapshot() throws Exception {
        DecisionHarness h = DecisionHarness.onRocksDb(GRACE, 10);
        try {
            h.send(finding("c1", "DETRACTOR", T0, "d1"));
            assertThat(h.out()).as("waits for evidence + grace").isEmpty();
            assertThat(h.stored("c1"))
                    .as("held back on the heap, not yet in RocksDB")
                    .isNull();

            h = h.restart(); // the snapshot writes what the cache holds back
            h.watermark(T0 + GRACE.toMillis());
            assertThat(h.records())
                    .extracting(r -> r.getValue().getEvidence().get(0).getEventId() + "@" + r.getTimestamp())
                    .containsExactly("d1@" + (T0 + GRACE.toMillis()));

            h = h.restart();
            h.send(finding("c1", "DETRACTOR", T0 + HOUR, "d2")).watermark(T0 + HOUR + GRACE.toMillis());
            assertThat(h.out()).as("the cooldown came through two restores").isEmpty();
        } finally {
            h.close();
        }
    }

    @Test
    void aValueLeavingTheCacheIsWrittenUnderItsOwnCustomer() throws Exception {
        try (DecisionHarness h = DecisionHarness.onRocksDb(GRACE, 2)) {
            for (String c : List.of("c1", "c2", "c3")) {
                h.arrive(finding(c, "DETRACTOR", T0, c + "-d1"));
            }
            DecisionState c1 = h.stored("c1");
            assertThat(c1).as("the least recently used left the cache, written").isNotNull();
            assertThat(c1.getHeld())
                    .extracting(f -> f.getEvidence().get(0).getEventId())
                    .containsExactly("c1-d1");
            assertThat(h.stored("c3")).as("still held back").isNull();
            assertThat(h.counter(Metrics.OUTREACH_CACHE_MISSES))
                    .as("three new customers")
                    .isEqualTo(3);
            assertThat(h.counter(Metrics.OUTREACH_CACHE_HITS)).isZero();
            assertThat(h.counter(Metrics.OUTREACH_STATE_WRITES))
                    .as("c1, on leaving the cache")
                    .isEqualTo(1);

            h.watermark(T0 + GRACE.toMillis());
            assertThat(h.out()).extracting(OutreachEvent::getCustomerId).containsExactlyInAnyOrder("c1", "c2", "c3");
            assertThat(h.counter(Metrics.OUTREACH_CACHE_HITS) + h.counter(Metrics.OUTREACH_CACHE_MISSES))
                    .as("one read per timer, from the cache or RocksDB")
                    .isEqualTo(6);
        }
    }

    /** Everything held and decided on the heap: the same outreach (ids, record times) as with no cache. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void theCacheChangesNothingThatIsSent(int cacheSize) throws Exception {
        List<String> heap = run(new DecisionHarness(GRACE));
        List<String> rocks = run(DecisionHarness.onRocksDb(GRACE, cacheSize));
        assertThat(heap).as("some sent, some suppressed by cooldown or consent").hasSizeBetween(5, 35);
        assertThat(rocks).isEqualTo(heap);
    }

    /** Five customers, findings of two triggers 20 min apart with a 24 h cooldown, one restore midway. */
    private static List<String> run(DecisionHarness h) throws Exception {
        List<String> sent = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                long t = T0 + i * 20 * 60_000L;
                String customer = "c" + (i % 5);
                h.arrive(finding(customer, i % 3 == 0 ? "PROMOTER" : "DETRACTOR", t, customer + "-" + i));
                if (i % 7 == 6) {
                    h.consent(
                            customer,
                            t + 1,
                            io.cxstream.avro.ConsentAction.OPT_IN,
                            io.cxstream.avro.ConsentPurpose.MARKETING);
                }
                h.watermark(t - GRACE.toMillis() / 2);
                if (i == 20) {
                    collect(h, sent);
                    h = h.restart();
                }
            }
            h.watermark(T0 + 100 * HOUR);
            collect(h, sent);
            return sent;
        } finally {
            h.close();
        }
    }

    private static void collect(DecisionHarness h, List<String> sent) {
        for (StreamRecord<? extends OutreachEvent> r : h.records()) {
            sent.add(r.getValue().getOutreachId() + "@" + r.getTimestamp());
        }
    }

    /**
     * A savepoint of the layout before the one value (held findings by decision point in {@code pending},
     * cooldowns in {@code cooldown}, the last outreach per purpose in {@code consent-last-sent}, a timer per
     * decision point): each customer's are moved into the value when first read, the old states emptied,
     * and held findings are decided at their old timers.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stateOfTheEarlierLayoutIsMovedIntoTheValue(boolean rocksDb) throws Exception {
        DecisionHarness h = rocksDb ? DecisionHarness.onRocksDb(Duration.ZERO, 10) : new DecisionHarness();
        try {
            Trigger held = finding("c1", "DETRACTOR", T0, "held");
            RuntimeContext c1 = h.context("c1");
            c1.getMapState(DecisionStore.legacyPendingDescriptor()).put(T0, new ArrayList<>(List.of(held)));
            h.legacyTimer("c1", T0);
            RuntimeContext c2 = h.context("c2");
            c2.getMapState(DecisionStore.legacyCooldownDescriptor(Duration.ofDays(31), Duration.ofDays(90)))
                    .put("DETRACTOR", T0 - HOUR);
            c2.getState(ConsentHistory.legacySentDescriptor(Duration.ofDays(90)))
                    .update(new long[] {T0 - HOUR, Long.MIN_VALUE});

            h = h.restart();
            assertThat(h.readsLegacyState())
                    .as("the restored backend holds the earlier layout")
                    .isTrue();
            h.send(finding("c2", "DETRACTOR", T0, "within-cooldown"));
            h.watermark(T0);
            assertThat(h.records())
                    .as("c1's held finding decided at its old timer; c2's cooldown carried over")
                    .extracting(r -> r.getValue().getEvidence().get(0).getEventId() + "@" + r.getTimestamp())
                    .containsExactly("held@" + T0);

            assertThat(h.context("c1")
                            .getMapState(DecisionStore.legacyPendingDescriptor())
                            .isEmpty())
                    .isTrue();
            assertThat(h.context("c2")
                            .getMapState(
                                    DecisionStore.legacyCooldownDescriptor(Duration.ofDays(31), Duration.ofDays(90)))
                            .isEmpty())
                    .isTrue();
            assertThat(h.context("c2")
                            .getState(ConsentHistory.legacySentDescriptor(Duration.ofDays(90)))
                            .value())
                    .isNull();

            h = h.restart();
            assertThat(h.readsLegacyState())
                    .as("nothing of the earlier layout is left to look for")
                    .isFalse();
            DecisionState c2State = h.stored("c2");
            assertThat(c2State.getCooldowns()).containsExactly(Map.entry("DETRACTOR", T0 - HOUR));
            assertThat(c2State.getLastSentService()).isEqualTo(T0 - HOUR);
            assertThat(h.stored("c1").getCooldowns()).containsOnlyKeys("DETRACTOR");
            assertThat(h.stored("c1").getHeld()).isEmpty();
            h.send(finding("c2", "DETRACTOR", T0 - HOUR + COOLDOWN.toMillis(), "after-cooldown"));
            assertThat(h.out())
                    .extracting(o -> o.getEvidence().get(0).getEventId())
                    .containsExactly("after-cooldown");
        } finally {
            h.close();
        }
    }

    @Test
    void theCacheIsOnOnlyWithRocksDb() {
        for (String backend : new String[] {"rocksdb", "hashmap"}) {
            CxConfig config =
                    CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092", "state.backend", backend), Map.of());
            assertThat(OutreachDecisionFunction.cacheSize(config))
                    .as(backend)
                    .isEqualTo(backend.equals("rocksdb") ? config.outreachCacheSize : 0)
                    .isEqualTo(backend.equals("rocksdb") ? 100_000 : 0);
        }
    }
}

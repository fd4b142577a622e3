package io.cxstream.rules;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.io.CxEvent;
import io.cxstream.testing.Events;
import io.cxstream.testing.JourneyHarness;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.cxstream.testing.JourneyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * For random customer histories and random arrival orders within the out-of-orderness bound, the
 * rules find exactly what they find when the same events arrive sorted by event time: the same
 * findings, with the same evidence, evidence times and record timestamps. Windows are shortened to
 * seconds and events are dense, so reordering within the bound crosses windows, resets and deadlines.
 */
class ArrivalOrderPropertyTest {
    private static final long BOUND = 5_000;
    private static final Map<String, String> SHORT_WINDOWS = Map.of(
            "detect.payment-friction.window", "20 s",
            "detect.repeat-contact.window", "30 s",
            "detect.abandonment.window", "10 s");
    private static final InteractionType[] TYPES = {
        InteractionType.PAYMENT_FAILED,
        InteractionType.PAYMENT_FAILED,
        InteractionType.ORDER_PLACED,
        InteractionType.ERROR,
        InteractionType.SUPPORT_CONTACT,
        InteractionType.CALL_ABANDONED,
        InteractionType.PAGE_VIEW
    };

    @Test
    void findingsDoNotDependOnArrivalOrderWithinTheBound() throws Exception {
        int findings = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            List<CxEvent> history = history(random);
            List<String> sorted = run(sortedArrival(history), false);
            List<String> shuffled = run(shuffledArrival(history, random), false);
            assertThat(shuffled)
                    .as("seed %d: findings of a shuffled arrival equal those of the sorted one", seed)
                    .isEqualTo(sorted);
            findings += sorted.size();
        }
        assertThat(findings)
                .as("the histories exercise the rules (else the property says nothing)")
                .isGreaterThan(200);
    }

    /**
     * The same on RocksDB, where every state access serializes (what is read back is a copy, in Avro's
     * own list type): a few histories, restored from a snapshot halfway through the shuffled arrival.
     */
    @Test
    void onRocksDbAndAcrossARestoreToo() throws Exception {
        for (long seed = 101; seed <= 103; seed++) {
            Random random = new Random(seed);
            List<CxEvent> history = history(random);
            List<String> sorted = run(sortedArrival(history), false);
            List<String> shuffled = run(shuffledArrival(history, random), true);
            assertThat(shuffled)
                    .as("seed %d on RocksDB with a restore", seed)
                    .isEqualTo(sorted)
                    .isNotEmpty();
        }
    }

    /**
     * On RocksDB with a journey cache of 3 customers (of 8): changes are held back and written when a
     * customer leaves the cache or before a snapshot, under that customer's key; restored from snapshots
     * at several random points of the shuffled arrival.
     */
    @Test
    void withATinyWriteBackCacheAndSeveralRestores() throws Exception {
        Map<String, String> tinyCache = new HashMap<>(SHORT_WINDOWS);
        tinyCache.put("journey.cache-size", "3");
        for (long seed = 201; seed <= 203; seed++) {
            Random random = new Random(seed);
            List<CxEvent> history = history(random);
            List<String> sorted = run(sortedArrival(history), SHORT_WINDOWS, false, Set.of());
            Set<Integer> restores = Set.of(random.nextInt(240), random.nextInt(240), random.nextInt(240));
            List<String> shuffled = run(shuffledArrival(history, random), tinyCache, true, restores);
            assertThat(shuffled)
                    .as("seed %d on RocksDB, cache of 3, restores before events %s", seed, restores)
                    .isEqualTo(sorted)
                    .isNotEmpty();
        }
    }

    /**
     * With rules of every kind with memory published beside the defaults: a count of three without a
     * reset, a sequence, and an absence whose start is common; several rules match the same event.
     */
    @Test
    void withPublishedCountSequenceAndAbsenceRules() throws Exception {
        List<String> all = new ArrayList<>();
        for (long seed = 301; seed <= 320; seed++) {
            Random random = new Random(seed);
            List<CxEvent> history = history(random);
            List<String> sorted = run(sortedArrival(history), SHORT_WINDOWS, seed % 2 == 0, Set.of(), true);
            List<String> shuffled = run(shuffledArrival(history, random), SHORT_WINDOWS, seed % 2 == 0, Set.of(), true);
            assertThat(shuffled).as("seed %d with published rules", seed).isEqualTo(sorted);
            all.addAll(sorted);
        }
        for (String trigger : List.of(" VIEWS @", " ESCALATION @", " STALLED @")) {
            assertThat(all.stream().filter(f -> f.contains(trigger)).count())
                    .as("the published rule%s fires", trigger)
                    .isGreaterThan(50);
        }
    }

    private static String rule(String id, String pattern) {
        return "{\"id\":\"" + id + "\",\"version\":1,\"trigger\":\"" + id.toUpperCase()
                + "\",\"route\":\"MARKETING\",\"priority\":\"P3\",\"reason\":\"{count}\",\"action\":\"a\","
                + "\"cooldown\":\"1 min\",\"pattern\":" + pattern + "}";
    }

    private static void publishRules(JourneyHarness h) throws Exception {
        long at = T0 - 3_600_000;
        h.rule(
                        "views",
                        rule(
                                "views",
                                "{\"kind\":\"count\",\"count\":3,\"within\":\"15 s\","
                                        + "\"when\":\"event.type in ['PAGE_VIEW', 'ERROR']\"}"),
                        at)
                .rule(
                        "escalation",
                        rule(
                                "escalation",
                                "{\"kind\":\"sequence\",\"within\":\"12 s\","
                                        + "\"first\":\"event.type == 'SUPPORT_CONTACT'\",\"then\":\"event.type == 'CALL_ABANDONED'\"}"),
                        at)
                .rule(
                        "stalled",
                        rule(
                                "stalled",
                                "{\"kind\":\"absence\",\"within\":\"8 s\","
                                        + "\"when\":\"event.type == 'PAGE_VIEW'\",\"missing\":\"event.type == 'ORDER_PLACED'\"}"),
                        at);
    }

    /** Several customers, each with dense events (0-3 s apart) of every kind the rules look at. */
    private static List<CxEvent> history(Random random) {
        List<CxEvent> events = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            String customer = "c" + c;
            long t = T0 + random.nextInt(2_000);
            for (int i = 0; i < 30; i++) {
                t += 1 + random.nextInt(3_000);
                if (random.nextInt(6) == 0) {
                    events.add(CxEvent.of(Events.feedback(customer, t, FeedbackMetric.NPS, random.nextInt(11))));
                } else {
                    InteractionType type = TYPES[random.nextInt(TYPES.length)];
                    String touchpoint = random.nextBoolean() ? "checkout" : "payment";
                    events.add(CxEvent.of(Events.interaction(customer, t, type, touchpoint)));
                }
            }
        }
        return events;
    }

    private static List<CxEvent> sortedArrival(List<CxEvent> history) {
        List<CxEvent> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparingLong(e -> e.eventTime));
        return sorted;
    }

    /** Each event arrives up to BOUND after its event time: the worst a producer may do within the bound. */
    private static List<CxEvent> shuffledArrival(List<CxEvent> history, Random random) {
        List<long[]> keyed = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            keyed.add(new long[] {history.get(i).eventTime + (long) (random.nextDouble() * BOUND), i});
        }
        keyed.sort(Comparator.comparingLong(k -> k[0]));
        List<CxEvent> out = new ArrayList<>();
        for (long[] k : keyed) {
            out.add(history.get((int) k[1]));
        }
        return out;
    }

    /**
     * Every finding that came out since the last look is on time: its moment (the last evidence, or an
     * absence's deadline) is after the watermark before this step (so it was not held past the watermark
     * that reached it) and at or before the record's timestamp. Returns how many records it has seen.
     */
    private static int assertOnTime(JourneyHarness h, int seen, long watermarkBefore) {
        List<StreamRecord<Trigger>> records = h.triggerRecords();
        for (int i = seen; i < records.size(); i++) {
            StreamRecord<Trigger> r = records.get(i);
            Trigger t = r.getValue();
            if (t.isFinding()) {
                assertThat(t.lastEvidenceTime)
                        .as(
                                "%s %s @%d came out after the watermark %d had passed it",
                                t.customerId, t.trigger, t.lastEvidenceTime - T0, watermarkBefore - T0)
                        .isGreaterThan(watermarkBefore)
                        .isLessThanOrEqualTo(r.getTimestamp());
            }
        }
        return records.size();
    }

    /** Feeds the arrival order with the watermark a bounded-out-of-orderness source gives, then ends event time. */
    private static List<String> run(List<CxEvent> arrival, boolean rocksDbWithRestore) throws Exception {
        return run(
                arrival, SHORT_WINDOWS, rocksDbWithRestore, rocksDbWithRestore ? Set.of(arrival.size() / 2) : Set.of());
    }

    /** The same, with these settings, on RocksDB or the heap, restored before each event whose index is given. */
    private static List<String> run(
            List<CxEvent> arrival, Map<String, String> settings, boolean rocksDb, Set<Integer> restoreBefore)
            throws Exception {
        return run(arrival, settings, rocksDb, restoreBefore, false);
    }

    /** The same, with {@link #publishRules} published first if asked. */
    private static List<String> run(
            List<CxEvent> arrival,
            Map<String, String> settings,
            boolean rocksDb,
            Set<Integer> restoreBefore,
            boolean published)
            throws Exception {
        try (JourneyHarness h = new JourneyHarness(settings, rocksDb).open()) {
            if (published) {
                publishRules(h);
            }
            long maxSeen = Long.MIN_VALUE;
            long watermark = Long.MIN_VALUE;
            int sent = 0;
            int seen = 0;
            for (CxEvent e : arrival) {
                if (restoreBefore.contains(sent++)) {
                    h.restart();
                }
                h.send(e);
                seen = assertOnTime(h, seen, watermark);
                maxSeen = Math.max(maxSeen, e.eventTime);
                h.watermark(maxSeen - BOUND - 1);
                seen = assertOnTime(h, seen, watermark);
                watermark = Math.max(watermark, maxSeen - BOUND - 1);
            }
            h.watermark(maxSeen + 3_600_000);
            assertOnTime(h, seen, watermark);
            assertThat(h.journeyEvents()).as("no event was late").hasSize(arrival.size());
            List<String> out = new ArrayList<>();
            for (StreamRecord<Trigger> r : h.triggerRecords()) {
                Trigger t = r.getValue();
                if (!t.isFinding()) {
                    continue;
                }
                StringBuilder sb = new StringBuilder()
                        .append(t.customerId)
                        .append(' ')
                        .append(t.trigger)
                        .append(" @")
                        .append(t.lastEvidenceTime - T0)
                        .append(" ts=")
                        .append(r.getTimestamp() - T0)
                        .append(" [");
                t.evidence.forEach(ev -> sb.append(ev.getEventId())
                        .append('@')
                        .append(ev.getEventTime().toEpochMilli() - T0)
                        .append(' '));
                out.add(sb.append(']').toString());
            }
            out.sort(null);
            return out;
        }
    }
}

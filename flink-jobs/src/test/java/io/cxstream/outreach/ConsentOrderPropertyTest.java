package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.Route;
import io.cxstream.rules.Trigger;
import io.cxstream.testing.Events;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static io.cxstream.outreach.DecisionHarness.T0;
import static io.cxstream.outreach.DecisionHarness.finding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, point 2, as a property: for random customer histories of findings and consent statements
 * (opt-ins and opt-outs of every purpose, before, between and after the evidence) and random arrival
 * orders within the out-of-orderness bound, the outreach sent (ids and record timestamps) is what the
 * consent as of evidence + grace says, computed here by brute force from the history alone — the same
 * for a drain that reads the consents topic ahead of the findings and for one that reads it behind.
 *
 * <p>The one exception is safety before determinism: a finding for which an opt-out stamped after its
 * decision point exists may also be suppressed (if that opt-out was known in time); such findings are
 * left out of the comparison, and only they.
 */
class ConsentOrderPropertyTest {
    private static final long BOUND = 2_000; // watermark.max-out-of-orderness
    private static final long GRACE = BOUND; // consent.grace's default

    /** An item of a history: a finding or a consent statement, with the time it arrives. */
    private record Item(long time, Trigger finding, ConsentEvent consent) {}

    @Test
    void decisionsAreTheConsentAsOfEvidencePlusGraceWhateverTheArrivalOrder() throws Exception {
        int compared = 0;
        int sent = 0;
        for (long seed = 1; seed <= 60; seed++) {
            Random random = new Random(seed);
            List<Item> history = history(random);
            TreeSet<String> expected = new TreeSet<>();
            TreeSet<String> uncertain = new TreeSet<>();
            oracle(history, expected, uncertain);

            for (List<Item> arrival :
                    List.of(shuffled(history, random), consentsAhead(history), consentsBehind(history))) {
                TreeSet<String> actual = run(arrival, new DecisionHarness(Duration.ofMillis(GRACE)), -1);
                actual.removeAll(uncertain);
                assertThat(actual)
                        .as("seed %d: sent (id@record time), findings at risk of a later opt-out left out", seed)
                        .isEqualTo(expected);
            }
            if (seed <= 15) { // as the job runs it: RocksDB, a cache smaller than the customers, a restore midway
                List<Item> arrival = shuffled(history, random);
                TreeSet<String> actual = run(
                        arrival,
                        DecisionHarness.onRocksDb(Duration.ofMillis(GRACE), 2),
                        1 + random.nextInt(arrival.size() - 1));
                actual.removeAll(uncertain);
                assertThat(actual)
                        .as("seed %d on RocksDB with a 2-customer cache, restored midway", seed)
                        .isEqualTo(expected);
            }
            compared += expected.size();
            sent += history.stream().filter(i -> i.finding != null).count() - uncertain.size();
        }
        assertThat(compared)
                .as("outreach sent by the oracle (else the property says little)")
                .isGreaterThan(100);
        assertThat(sent - compared).as("findings suppressed by consent").isGreaterThan(100);
    }

    /** Four customers, each with findings on both routes and consent statements around them, stamps 0-8 s apart. */
    private static List<Item> history(Random random) {
        List<Item> items = new ArrayList<>();
        ConsentPurpose[] purposes = {ConsentPurpose.SERVICE, ConsentPurpose.MARKETING, ConsentPurpose.ALL};
        for (int c = 0; c < 4; c++) {
            String customer = "c" + c;
            long t = T0 + random.nextInt(1_000);
            for (int i = 0; i < 25; i++) {
                t += random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(800); // equal stamps too
                if (random.nextInt(5) < 2) {
                    Trigger f =
                            finding(customer, random.nextBoolean() ? "DETRACTOR" : "PROMOTER", t, customer + "-e" + i);
                    f.cooldownMillis =
                            0; // cooldowns are tested elsewhere; here every finding is decided on consent alone
                    items.add(new Item(t, f, null));
                } else {
                    ConsentAction action = random.nextBoolean() ? ConsentAction.OPT_IN : ConsentAction.OPT_OUT;
                    items.add(new Item(t, null, Events.consent(customer, t, action, purposes[random.nextInt(3)])));
                }
            }
        }
        return items;
    }

    /** What is sent: for each finding, the latest statement of its purpose stamped at or before evidence + grace. */
    private static void oracle(List<Item> history, TreeSet<String> expected, TreeSet<String> uncertain) {
        for (Item f : history) {
            if (f.finding == null) {
                continue;
            }
            boolean marketing = f.finding.route == Route.MARKETING;
            long point = f.time + GRACE;
            Item asOf = null;
            boolean laterOptOut = false;
            for (Item s : history) {
                if (s.consent == null
                        || !s.consent.getCustomerId().equals(f.finding.customerId)
                        || !covers(s.consent.getPurpose(), marketing)) {
                    continue;
                }
                boolean optOut = s.consent.getAction() == ConsentAction.OPT_OUT;
                if (s.time <= point && (asOf == null || s.time > asOf.time || (s.time == asOf.time && optOut))) {
                    asOf = s;
                }
                laterOptOut |= s.time > point && optOut;
            }
            boolean allowed = asOf == null ? !marketing : asOf.consent.getAction() == ConsentAction.OPT_IN;
            String key = key(f.finding, point);
            if (laterOptOut && allowed) {
                uncertain.add(key);
            } else if (allowed) {
                expected.add(key);
            }
        }
    }

    private static boolean covers(ConsentPurpose purpose, boolean marketing) {
        return purpose == ConsentPurpose.ALL
                || purpose == (marketing ? ConsentPurpose.MARKETING : ConsentPurpose.SERVICE);
    }

    private static String key(Trigger f, long recordTime) {
        return f.evidence.get(0).getEventId() + "@" + recordTime;
    }

    /** Each item arrives up to BOUND after its stamp. */
    private static List<Item> shuffled(List<Item> history, Random random) {
        List<long[]> keyed = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            keyed.add(new long[] {history.get(i).time + (long) (random.nextDouble() * BOUND), i});
        }
        keyed.sort(Comparator.comparingLong(k -> k[0]));
        return keyed.stream().map(k -> history.get((int) k[1])).toList();
    }

    /** A drain that reads the consents topic first: every statement arrives BOUND early relative to findings. */
    private static List<Item> consentsAhead(List<Item> history) {
        List<Item> arrival = new ArrayList<>(history);
        arrival.sort(Comparator.comparingLong(i -> i.time + (i.consent != null ? 0 : BOUND)));
        return arrival;
    }

    /** A drain that reads the consents topic behind the findings, by the whole bound. */
    private static List<Item> consentsBehind(List<Item> history) {
        List<Item> arrival = new ArrayList<>(history);
        arrival.sort(Comparator.comparingLong(i -> i.time + (i.consent != null ? BOUND : 0)));
        return arrival;
    }

    /**
     * Feeds the arrival order with a bounded-out-of-orderness watermark, then ends event time; snapshots
     * and restores into a fresh operator before item {@code restoreAt} (-1: never).
     */
    private static TreeSet<String> run(List<Item> arrival, DecisionHarness harness, int restoreAt) throws Exception {
        DecisionHarness h = harness;
        TreeSet<String> sent = new TreeSet<>();
        try {
            long maxSeen = Long.MIN_VALUE;
            for (int n = 0; n < arrival.size(); n++) {
                if (n == restoreAt) {
                    collect(h, sent);
                    h = h.restart();
                    h.watermark(maxSeen - BOUND - 1); // the restored watermark starts over
                }
                Item i = arrival.get(n);
                if (i.finding != null) {
                    h.arrive(i.finding);
                } else {
                    h.consent(i.consent);
                }
                maxSeen = Math.max(maxSeen, i.time);
                h.watermark(maxSeen - BOUND - 1);
            }
            h.watermark(maxSeen + 3_600_000);
            collect(h, sent);
            return sent;
        } finally {
            h.close();
        }
    }

    private static void collect(DecisionHarness h, TreeSet<String> sent) {
        for (StreamRecord<? extends io.cxstream.avro.OutreachEvent> r : h.records()) {
            sent.add(r.getValue().getEvidence().get(0).getEventId() + "@" + r.getTimestamp());
        }
    }
}

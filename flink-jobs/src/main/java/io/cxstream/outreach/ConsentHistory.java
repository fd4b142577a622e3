package io.cxstream.outreach;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.state.StateCache;
import io.cxstream.state.StateTtl;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One customer's consent statements per purpose (SERVICE, MARKETING; ALL states both), each with its
 * event time, so the decision can ask for the consent <em>as of</em> a time (docs/consent.md):
 * <ul>
 *   <li>as of T, the latest statement stamped at or before T wins, however the statements arrived; at
 *       equal stamps an OPT_OUT wins. Without one, the default of the purpose applies;</li>
 *   <li>an OPT_OUT that is the latest-stamped statement known now suppresses too, whatever its stamp
 *       ({@link Verdict#LATER_OPT_OUT}): safety before determinism;</li>
 *   <li>an OPT_OUT stamped at or before the decision point of an outreach already sent on its purpose,
 *       with no other statement between, arrived too late to stop it: {@link #add} says so.</li>
 * </ul>
 * Statements have no TTL (kept until changed or erased). What no future decision can need is pruned:
 * statements older than the latest one stamped at or before the watermark (and the last outreach's
 * decision point), and at most {@link #MAX_PER_PURPOSE} per purpose.
 */
final class ConsentHistory {
    static final int MAX_PER_PURPOSE = 16;
    /** No outreach sent on the purpose. */
    static final long NONE = Long.MIN_VALUE;
    /** Name of the state that kept the last outreach per purpose before {@code DecisionState}. */
    static final String LEGACY_SENT = "consent-last-sent";

    private static final long MARKETING = 1;
    private static final long ALLOWED = 2;

    /** What the consent says about a finding. */
    enum Verdict {
        ALLOWED,
        OPTED_OUT,
        LATER_OPT_OUT
    }

    /**
     * Statements as pairs (event time, code: bit 0 marketing, bit 1 opt-in), unsorted. No TTL. A new
     * name: the flags of earlier versions ("consent", {@link #legacyDescriptor()}) are read once and moved.
     */
    static ValueStateDescriptor<long[]> descriptor() {
        return new ValueStateDescriptor<>("consent-history", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /**
     * Decision point of the last outreach sent per purpose, [service, marketing], as versions before
     * {@code DecisionState} kept it (now in that value); read only to move a restored customer's over.
     */
    static ValueStateDescriptor<long[]> legacySentDescriptor(Duration ttl) {
        ValueStateDescriptor<long[]> d =
                new ValueStateDescriptor<>(LEGACY_SENT, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
        d.enableTimeToLive(StateTtl.afterWrite(ttl));
        return d;
    }

    /**
     * The last-to-arrive flags of versions before consent-history (bit 0 service stated, 1 service allowed,
     * 2 marketing stated, 3 marketing allowed). Read only to move a restored customer's statements over.
     */
    static ValueStateDescriptor<Integer> legacyDescriptor() {
        return new ValueStateDescriptor<>("consent", Types.INT);
    }

    private static final long[] NO_STATEMENTS = new long[0];

    private final ValueState<long[]> history;
    private final ValueState<Integer> legacy;
    private final boolean defaultService;
    private final boolean defaultMarketing;
    /**
     * The statements of recently seen customers, none included, write-through: every change is written
     * to {@code history} at once, so snapshots need nothing from it. Arrays are never changed in place.
     */
    private final StateCache<long[]> cache;

    /**
     * @param cacheSize customers whose statements are kept on the heap (0: none), read from the state
     *     backend once while they stay
     */
    ConsentHistory(
            ValueState<long[]> history,
            ValueState<Integer> legacy,
            boolean defaultService,
            boolean defaultMarketing,
            int cacheSize) {
        this.history = history;
        this.legacy = legacy;
        this.defaultService = defaultService;
        this.defaultMarketing = defaultMarketing;
        this.cache = new StateCache<>(cacheSize, Long.MAX_VALUE);
    }

    /**
     * The consent of {@code customer} (the current key) for the purpose as of {@code decisionPoint}, and
     * whether a known opt-out overrules it.
     */
    Verdict decide(String customer, boolean marketing, long decisionPoint) throws Exception {
        long[] h = load(customer);
        long purpose = marketing ? MARKETING : 0;
        int asOf = -1;
        int latest = -1;
        for (int i = 0; i < h.length; i += 2) {
            if ((h[i + 1] & MARKETING) != purpose) {
                continue;
            }
            if (h[i] <= decisionPoint && wins(h, i, asOf)) {
                asOf = i;
            }
            if (wins(h, i, latest)) {
                latest = i;
            }
        }
        boolean allowed = asOf >= 0 ? (h[asOf + 1] & ALLOWED) != 0 : marketing ? defaultMarketing : defaultService;
        if (!allowed) {
            return Verdict.OPTED_OUT;
        }
        return latest >= 0 && (h[latest + 1] & ALLOWED) == 0 ? Verdict.LATER_OPT_OUT : Verdict.ALLOWED;
    }

    /**
     * Adds a statement (not an ERASE). Returns true if it is an OPT_OUT that arrived after an outreach it
     * would have suppressed: stamped at or before that outreach's decision point, no other statement between.
     *
     * @param lastSent decision point of the last outreach sent per purpose, [service, marketing] ({@link #NONE}: none)
     */
    boolean add(ConsentEvent e, long watermark, long[] lastSent) throws Exception {
        if (e.getAction() == ConsentAction.ERASE) {
            return false;
        }
        ConsentPurpose purpose = e.getPurpose();
        long time = e.getEventTime().toEpochMilli();
        long allowed = e.getAction() == ConsentAction.OPT_IN ? ALLOWED : 0;
        String customer = e.getCustomerId();
        List<long[]> statements = pairs(load(customer));
        boolean late = false;
        for (long p : purposes(purpose)) {
            long sent = lastSent[(int) p];
            if (allowed == 0 && sent != NONE && time <= sent && noneBetween(statements, p, time, sent)) {
                late = true;
            }
            statements.add(new long[] {time, p | allowed});
            prune(statements, p, sent == NONE ? watermark : Math.min(watermark, sent));
        }
        long[] h = new long[statements.size() * 2];
        for (int i = 0; i < statements.size(); i++) {
            h[2 * i] = statements.get(i)[0];
            h[2 * i + 1] = statements.get(i)[1];
        }
        store(customer, h);
        return late;
    }

    /** Forgets the statements of {@code customer}, the current key. */
    void clear(String customer) {
        history.clear();
        legacy.clear();
        cache.remove(customer);
    }

    /** Whether statement i is later than statement j (-1: none): later stamp, or the same stamp and an opt-out. */
    private static boolean wins(long[] h, int i, int j) {
        return j < 0 || h[i] > h[j] || (h[i] == h[j] && (h[i + 1] & ALLOWED) == 0);
    }

    private static long[] purposes(ConsentPurpose purpose) {
        if (purpose == ConsentPurpose.ALL) {
            return new long[] {0, MARKETING};
        }
        if (purpose == ConsentPurpose.SERVICE) {
            return new long[] {0};
        }
        return purpose == ConsentPurpose.MARKETING ? new long[] {MARKETING} : new long[0];
    }

    private static boolean noneBetween(List<long[]> statements, long purpose, long after, long upTo) {
        for (long[] s : statements) {
            if ((s[1] & MARKETING) == purpose && s[0] > after && s[0] <= upTo) {
                return false;
            }
        }
        return true;
    }

    /**
     * Drops the purpose's statements stamped before the latest one at or before {@code floor} (no
     * decision at or after the floor can see them), then the oldest beyond {@link #MAX_PER_PURPOSE}.
     */
    private static void prune(List<long[]> statements, long purpose, long floor) {
        long keepFrom = Long.MIN_VALUE;
        for (long[] s : statements) {
            if ((s[1] & MARKETING) == purpose && s[0] <= floor) {
                keepFrom = Math.max(keepFrom, s[0]);
            }
        }
        final long from = keepFrom;
        statements.removeIf(s -> (s[1] & MARKETING) == purpose && s[0] < from);
        List<long[]> ofPurpose = new ArrayList<>();
        for (long[] s : statements) {
            if ((s[1] & MARKETING) == purpose) {
                ofPurpose.add(s);
            }
        }
        ofPurpose.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i < ofPurpose.size() - MAX_PER_PURPOSE; i++) {
            statements.remove(ofPurpose.get(i));
        }
    }

    private static List<long[]> pairs(long[] h) {
        List<long[]> list = new ArrayList<>(h.length / 2 + 2);
        for (int i = 0; i < h.length; i += 2) {
            list.add(new long[] {h[i], h[i + 1]});
        }
        return list;
    }

    /**
     * The statements of {@code customer}, the current key; a customer restored from a version with flags
     * gets them as statements stamped before any event.
     */
    private long[] load(String customer) throws Exception {
        long[] h = cache.get(customer, 0);
        if (h == null) {
            h = read();
            cache.put(customer, h, 0);
        }
        return h;
    }

    private long[] read() throws IOException {
        long[] h = history.value();
        if (h != null) {
            return h;
        }
        Integer flags = legacy.value();
        if (flags == null) {
            return NO_STATEMENTS;
        }
        List<Long> moved = new ArrayList<>();
        if ((flags & 1) != 0) {
            moved.add(Long.MIN_VALUE);
            moved.add((flags & 2) != 0 ? ALLOWED : 0);
        }
        if ((flags & 4) != 0) {
            moved.add(Long.MIN_VALUE);
            moved.add(MARKETING | ((flags & 8) != 0 ? ALLOWED : 0));
        }
        h = moved.stream().mapToLong(Long::longValue).toArray();
        history.update(h);
        legacy.clear();
        return h;
    }

    private void store(String customer, long[] h) throws Exception {
        history.update(h);
        cache.put(customer, h, 0);
    }
}

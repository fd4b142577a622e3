package io.cxstream.loop;

import java.util.ArrayList;
import java.util.List;

/**
 * Contact-frequency caps across triggers: a customer gets at most {@code cap} outreach on a route within any
 * {@code period} (event time of the triggers). The times of the outreach sent are kept per route, trimmed to
 * the period.
 */
final class ContactCaps {
    private ContactCaps() {}

    /** Whether one more outreach at {@code time} stays within the cap, given the times sent on the route. */
    static boolean allows(List<Long> sent, long time, int cap, long periodMillis) {
        if (cap <= 0 || sent == null) {
            return true;
        }
        int inPeriod = 0;
        for (long t : sent) {
            if (t > time - periodMillis && t <= time + periodMillis) {
                inPeriod++;
            }
        }
        return inPeriod < cap;
    }

    /** {@code sent} plus {@code time}, without times that can no longer count (older than a period before it). */
    static List<Long> record(List<Long> sent, long time, long periodMillis) {
        List<Long> kept = new ArrayList<>();
        if (sent != null) {
            for (long t : sent) {
                if (t > time - periodMillis) {
                    kept.add(t);
                }
            }
        }
        kept.add(time);
        return kept;
    }
}

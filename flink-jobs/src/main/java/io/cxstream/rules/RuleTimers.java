package io.cxstream.rules;

import io.cxstream.avro.PendingEvent;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleState;

import org.apache.flink.streaming.api.TimerService;

import java.util.List;

/**
 * The rule engine's one timer per customer: registered at the earliest pending event, and each timer
 * registers the next, at the earliest of the pending events left and the absence deadlines, or else
 * when all the customer's marks can go.
 */
public final class RuleTimers {
    private RuleTimers() {}

    /**
     * Makes sure a timer is registered at the earliest pending event of a rule state written by an
     * earlier version (which registered one per pending event; its timers restore with it anyway).
     */
    public static void resume(RuleState s, TimerService timers) {
        if (s != null && !s.getPending().isEmpty()) {
            timers.registerEventTimeTimer(earliestPending(s.getPending()));
        }
    }

    static long earliestPending(List<PendingEvent> pending) {
        long earliest = Long.MAX_VALUE;
        for (PendingEvent p : pending) {
            earliest = Math.min(earliest, p.getEvent().getEventTime());
        }
        return earliest;
    }

    /** The earliest time a mark's window ends (an absence's deadline, or when a mark can go); MAX_VALUE: none. */
    static long earliestEnd(List<RuleMark> marks, long windowMillis) {
        long earliest = Long.MAX_VALUE;
        for (RuleMark m : marks) {
            earliest = Math.min(earliest, m.getEventTime() + windowMillis);
        }
        return earliest;
    }

    /** The latest time a mark's window ends (when all of them can go); MIN_VALUE: none. */
    static long latestEnd(List<RuleMark> marks, long windowMillis) {
        long latest = Long.MIN_VALUE;
        for (RuleMark m : marks) {
            latest = Math.max(latest, m.getEventTime() + windowMillis);
        }
        return latest;
    }
}

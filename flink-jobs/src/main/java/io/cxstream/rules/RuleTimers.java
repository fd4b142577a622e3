package io.cxstream.rules;

import io.cxstream.avro.PendingEvent;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleState;

import org.apache.flink.streaming.api.TimerService;

import java.util.List;

/**
 * The rule engine's timer per customer, while it has one: registered at the earliest pending event, and
 * each timer registers the next, at the earliest of the pending events left and the absence deadlines.
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

    /**
     * Registers the customer's next timer at {@code next} (MAX_VALUE: none) from the timer at {@code now},
     * unless the rule state knows one is registered there already: it keeps the latest time registered
     * from here while that time is ahead ({@code timerAt}). Without it an open absence deadline is
     * registered again at every timer before it, and a deadline far ahead is parked once more each time
     * ({@link io.cxstream.state.FarTimers}). A timer registered earlier than {@code timerAt} leaves it as it
     * is: {@code timerAt}'s timer is still to come.
     */
    static void registerNext(RuleState s, long next, long now, TimerService timers) {
        if (next == Long.MAX_VALUE) {
            return;
        }
        long known = s.getTimerAt() > now ? s.getTimerAt() : Long.MIN_VALUE;
        if (next == known) {
            return;
        }
        timers.registerEventTimeTimer(next);
        s.setTimerAt(Math.max(known, next));
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

    /**
     * Drops the marks whose window ended at or before {@code time} (event time + window ≤ time), in
     * place, keeping the order of the rest.
     */
    static void dropEnded(List<RuleMark> marks, long windowMillis, long time) {
        int kept = 0;
        for (int i = 0; i < marks.size(); i++) {
            RuleMark m = marks.get(i);
            if (m.getEventTime() + windowMillis > time) {
                if (kept != i) {
                    marks.set(kept, m);
                }
                kept++;
            }
        }
        if (kept < marks.size()) {
            marks.subList(kept, marks.size()).clear();
        }
    }
}

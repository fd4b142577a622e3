package io.cxstream.rules;

import io.cxstream.avro.PendingEvent;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
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

    /** The earliest absence deadline in {@code progress} (Long.MAX_VALUE: none). */
    static long earliestDeadline(RuleSet rules, List<RuleProgress> progress) {
        long earliest = Long.MAX_VALUE;
        for (RuleProgress p : progress) {
            if (p.getMarks().isEmpty()) {
                continue;
            }
            CompiledRule rule = rules.version(p.getRuleId(), p.getVersion());
            if (rule != null && rule.rule.pattern.kind == Rule.Kind.ABSENCE) {
                earliest = Math.min(earliest, earliestEnd(p.getMarks(), rule.windowMillis));
            }
        }
        return earliest;
    }
}

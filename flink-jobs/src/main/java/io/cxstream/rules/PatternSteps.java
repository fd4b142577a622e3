package io.cxstream.rules;

import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
import io.cxstream.avro.RuleState;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * What final events and passing deadlines do to one customer's progress on each pattern kind with
 * memory (count, absence, sequence), for {@link RuleEngine}, which calls it in event-time order:
 * {@link #apply} for each hit of an event the watermark has passed, {@link #fireDeadlines} between
 * them, {@link #settle} once the timer's time is reached. Findings go to {@code out}; marks are
 * bounded by the rule's count and {@code maxMarks}.
 */
final class PatternSteps {
    private final RuleLimits limits;
    private final EventVariables vars;

    /** @param vars the engine's variables, reused to render each finding */
    PatternSteps(RuleLimits limits, EventVariables vars) {
        this.limits = limits;
        this.vars = vars;
    }

    /**
     * The rule state's progress as a list that can change in place, each rule's marks too: lists read
     * back from RocksDB are Avro arrays, which cannot remove through an iterator, and are copied once.
     */
    static List<RuleProgress> mutableProgress(RuleState s) {
        // Once the list is an ArrayList, so is every mark list in it: copied here, or made by progressOf.
        if (!(s.getProgress() instanceof ArrayList)) {
            List<RuleProgress> progress = new ArrayList<>(s.getProgress());
            for (RuleProgress p : progress) {
                if (!(p.getMarks() instanceof ArrayList)) {
                    p.setMarks(new ArrayList<>(p.getMarks()));
                }
            }
            s.setProgress(progress);
        }
        return s.getProgress();
    }

    /**
     * Applies one final event's hit to the rule's progress: a count counts (and fires at the Nth
     * mark within the window), an absence opens or cancels starts, a sequence opens a first step or
     * completes one.
     */
    void apply(CompiledRule rule, int role, RuleMark event, RuleProgress p, String customerId, Consumer<Trigger> out) {
        List<RuleMark> marks = p.getMarks();
        long t = event.getEventTime();
        long window = rule.windowMillis;
        switch (rule.rule.pattern.kind) {
            case COUNT:
                if (role == CompiledRule.ROLE_OTHER) {
                    marks.clear();
                    return;
                }
                RuleTimers.dropEnded(marks, window, t - 1);
                marks.add(event);
                if (marks.size() >= rule.rule.pattern.count) {
                    List<RuleMark> evidence = new ArrayList<>(marks);
                    marks.clear();
                    out.accept(Findings.trigger(customerId, rule, evidence, event, t, vars));
                } else {
                    marks.set(marks.size() - 1, Findings.withoutSnapshot(event));
                }
                return;
            case ABSENCE:
                if (role == CompiledRule.ROLE_OTHER) {
                    marks.clear(); // every open start is at or before t, and its deadline not yet passed
                    return;
                }
                addCapped(marks, event);
                return;
            case SEQUENCE:
                if (role == CompiledRule.ROLE_THEN) {
                    RuleTimers.dropEnded(marks, window, t - 1);
                    if (!marks.isEmpty()) {
                        RuleMark first = marks.remove(0);
                        out.accept(Findings.trigger(customerId, rule, List.of(first, event), event, t, vars));
                    }
                    return;
                }
                addCapped(marks, Findings.withoutSnapshot(event));
                return;
            default:
                throw new IllegalStateException("not a rule with memory: " + rule);
        }
    }

    /**
     * Fires every absence whose deadline is at or before {@code upTo}, oldest first; returns the
     * earliest deadline left (Long.MAX_VALUE: none).
     */
    long fireDeadlines(
            RuleSet rules, String customerId, List<RuleProgress> progress, long upTo, Consumer<Trigger> out) {
        long next = Long.MAX_VALUE;
        for (RuleProgress p : progress) {
            if (p.getMarks().isEmpty()) {
                continue;
            }
            CompiledRule rule = rules.version(p.getRuleId(), p.getVersion());
            if (rule != null && rule.rule.pattern.kind == Rule.Kind.ABSENCE) {
                next = Math.min(next, fireDue(rule, customerId, p.getMarks(), upTo, out));
            }
        }
        return next;
    }

    /**
     * The watermark passed {@code time}, in one pass over the progress: fires every absence deadline
     * up to it, drops the marks no later event can use (their window ended at or before it) and the
     * rules no longer running, and returns the earliest absence deadline left (Long.MAX_VALUE: none),
     * when the next timer must fire at the latest. Count and sequence marks need no timer of their own:
     * a later event drops the ones its window no longer reaches.
     */
    long settle(RuleSet rules, String customerId, List<RuleProgress> progress, long time, Consumer<Trigger> out) {
        long deadline = Long.MAX_VALUE;
        for (Iterator<RuleProgress> it = progress.iterator(); it.hasNext(); ) {
            RuleProgress p = it.next();
            CompiledRule rule = rules.version(p.getRuleId(), p.getVersion());
            if (rule == null) {
                it.remove();
                continue;
            }
            List<RuleMark> marks = p.getMarks();
            if (rule.rule.pattern.kind == Rule.Kind.ABSENCE) {
                deadline = Math.min(deadline, fireDue(rule, customerId, marks, time, out));
            } else {
                RuleTimers.dropEnded(marks, rule.windowMillis, time);
            }
            if (marks.isEmpty()) {
                it.remove();
            }
        }
        return deadline;
    }

    /** Fires an absence rule's starts whose deadline is at or before {@code upTo}, oldest first; returns the earliest deadline left. */
    private long fireDue(CompiledRule rule, String customerId, List<RuleMark> marks, long upTo, Consumer<Trigger> out) {
        while (!marks.isEmpty() && marks.get(0).getEventTime() + rule.windowMillis <= upTo) {
            RuleMark start = marks.remove(0);
            out.accept(Findings.trigger(
                    customerId, rule, List.of(start), start, start.getEventTime() + rule.windowMillis, vars));
        }
        return RuleTimers.earliestEnd(marks, rule.windowMillis);
    }

    /** The progress of this rule version, reset if an older version of the rule made it. */
    RuleProgress progressOf(List<RuleProgress> progress, CompiledRule rule) {
        for (int i = 0; i < progress.size(); i++) {
            RuleProgress p = progress.get(i);
            if (p.getRuleId().equals(rule.rule.id)) {
                if (p.getVersion() != rule.rule.version) {
                    p = new RuleProgress(rule.rule.id, rule.rule.version, new ArrayList<>());
                    progress.set(i, p);
                }
                return p;
            }
        }
        RuleProgress p = new RuleProgress(rule.rule.id, rule.rule.version, new ArrayList<>());
        progress.add(p);
        return p;
    }

    private void addCapped(List<RuleMark> marks, RuleMark mark) {
        marks.add(mark);
        while (marks.size() > limits.maxMarks) {
            marks.remove(0);
        }
    }
}

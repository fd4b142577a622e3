package io.cxstream.rules;

import io.cxstream.avro.PendingEvent;
import io.cxstream.avro.Priority;
import io.cxstream.avro.RuleHit;
import io.cxstream.avro.RuleMark;
import io.cxstream.avro.RuleProgress;
import io.cxstream.avro.RuleState;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.state.StateTtl;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The keyed rule engine: every active rule against one customer, on the customer's one point-lookup
 * value — its {@link RuleState} lives in the journey's value, which {@code JourneyFunction} reads and
 * writes once per event or timer (no MapState iteration, no per-timestamp element queue, no second
 * state access).
 *
 * <p>Event time is exact by buffering: a {@code single} rule fires on arrival (one event has no
 * order to restore); an event that matches a condition of a rule with memory (count, absence,
 * sequence) waits in the customer's {@code pending} list until the watermark passes it, and is then
 * applied together with everything else that became final, in event-time order (ties by event id),
 * with absence deadlines interleaved. Arrival order within the watermark's bound therefore never
 * changes what fires. Events that match no such condition leave the rule state as it is.
 *
 * <p>At most one event-time timer per customer, and only while something must happen at an event
 * time: one is registered at the earliest pending event, and each timer registers the next one, at the
 * earliest of the pending events left and the absence deadlines. Count and sequence marks get no timer:
 * the customer's next event drops the marks its window no longer reaches before anything counts, so an
 * expired mark never counts, and a customer who does not come back keeps them in the value the journey
 * keeps anyway, until {@code state.ttl}. (A timer that only let marks go stood for the longest window,
 * a day for repeat contacts, and Flink writes every heap timer on the task thread at every checkpoint:
 * docs/rule-engine.md.) A timer at a time with nothing due finds nothing to do. The journey registers a
 * timer more than a minute past the watermark (an absence deadline) in keyed state, not on the heap
 * ({@link io.cxstream.state.FarTimers}); it fires at the same time.
 *
 * <p>Bounded: pending holds at most {@code maxPending} events (more within the out-of-orderness
 * bound are dropped and counted), a count rule keeps at most count−1 marks, absence and sequence
 * rules at most {@code maxMarks} open starts; a mark whose window has passed leaves at the customer's
 * next timer, and the value with the journey's time-to-live.
 */
public final class RuleEngine {
    /**
     * Where the rule state was kept before it moved into the journey's value: read once per customer
     * whose journey was written by an earlier version (then cleared), so that a savepoint carries the
     * rules' progress over.
     */
    public static ValueStateDescriptor<RuleState> legacyStateDescriptor(Duration ttl) {
        ValueStateDescriptor<RuleState> d = new ValueStateDescriptor<>("rules", new AvroTypeInfo<>(RuleState.class));
        d.enableTimeToLive(StateTtl.afterWrite(ttl));
        return d;
    }

    private static final Comparator<RuleHit> RESETS_FIRST =
            Comparator.comparingInt(h -> h.getRole() == CompiledRule.ROLE_WHEN ? 1 : 0);

    private static final Comparator<PendingEvent> EVENT_TIME_ORDER = Comparator.comparingLong(
                    (PendingEvent p) -> p.getEvent().getEventTime())
            .thenComparing(p -> p.getEvent().getEventId());

    private final int maxPending;
    private final Counter pendingDropped;
    private final EventVariables vars = new EventVariables();
    private final PatternSteps steps;

    public RuleEngine(RuleLimits limits, int maxPending, Counter pendingDropped) {
        this.maxPending = maxPending;
        this.pendingDropped = pendingDropped;
        this.steps = new PatternSteps(limits, vars);
    }

    /**
     * Evaluates one scored event: single rules fire now, matches of rules with memory wait for the
     * watermark.
     *
     * @param s the customer's rule state before the event (null: none)
     * @return the rule state after it (null: none)
     */
    public RuleState onEvent(
            RuleSet rules,
            RuleState s,
            JourneyEvent event,
            Map<String, String> attributes,
            TimerService timers,
            Consumer<Trigger> out)
            throws Exception {
        List<RuleSet.Hit> hits = rules.evaluate(event, attributes, vars);
        if (hits.isEmpty()) {
            return s;
        }
        List<RuleHit> waiting = null;
        boolean mayFire = false;
        for (RuleSet.Hit hit : hits) {
            if (!hit.rule.stateful()) {
                // The variables still point at the live event: its priority sees attributes and all.
                Priority priority = hit.rule.priority(vars);
                RuleMark mark = Findings.mark(event, true);
                out.accept(
                        Findings.trigger(event.customerId, hit.rule, List.of(mark), mark, event.eventTime, priority));
            } else {
                if (waiting == null) {
                    waiting = new ArrayList<>(2);
                }
                addInOrder(waiting, new RuleHit(hit.rule.rule.id, hit.rule.rule.version, hit.role));
                mayFire |= needsSnapshot(hit);
            }
        }
        if (waiting == null) {
            return s;
        }
        if (s == null) {
            s = new RuleState(new ArrayList<>(1), new ArrayList<>(1));
        }
        if (s.getPending().size() >= maxPending) {
            pendingDropped.inc();
            return s;
        }
        // A timer is already registered at the earliest pending event, if there is one before this.
        if (event.eventTime < RuleTimers.earliestPending(s.getPending())) {
            timers.registerEventTimeTimer(event.eventTime);
        }
        // The journey snapshot is the largest part of a mark: kept only if a finding may carry it.
        mutablePending(s).add(new PendingEvent(Findings.mark(event, mayFire), waiting));
        return s;
    }

    /**
     * The watermark passed {@code time}: applies every pending event up to it in event-time order,
     * fires the absence deadlines up to it, lets go of marks whose window has passed, and registers the
     * next timer.
     *
     * @param s the customer's rule state (not null); changed in place
     * @return what is left of it (null: nothing)
     */
    public RuleState onTimer(
            RuleSet rules, RuleState s, String customerId, long time, TimerService timers, Consumer<Trigger> out) {
        List<PendingEvent> ready = new ArrayList<>();
        List<PendingEvent> later = new ArrayList<>();
        for (PendingEvent p : s.getPending()) {
            (p.getEvent().getEventTime() <= time ? ready : later).add(p);
        }
        if (ready.size() > 1) {
            ready.sort(EVENT_TIME_ORDER);
        }
        List<RuleProgress> progress = PatternSteps.mutableProgress(s);
        // Needed only to fire deadlines between the events that became final: settle fires the rest.
        long deadline = ready.isEmpty() ? Long.MAX_VALUE : RuleTimers.earliestDeadline(rules, progress);
        for (PendingEvent p : ready) {
            long t = p.getEvent().getEventTime();
            if (deadline <= t - 1) {
                deadline = steps.fireDeadlines(rules, customerId, progress, t - 1, out);
            }
            for (RuleHit hit : inOrder(p.getHits())) {
                CompiledRule rule = rules.version(hit.getRuleId(), hit.getVersion());
                if (rule != null) {
                    steps.apply(rule, hit.getRole(), p.getEvent(), steps.progressOf(progress, rule), customerId, out);
                    if (rule.rule.pattern.kind == Rule.Kind.ABSENCE && hit.getRole() == CompiledRule.ROLE_WHEN) {
                        deadline = Math.min(deadline, t + rule.windowMillis);
                    }
                }
            }
        }
        long wakeUp = steps.settle(rules, customerId, progress, time, out);
        if (later.isEmpty() && progress.isEmpty()) {
            return null;
        }
        long next = Math.min(RuleTimers.earliestPending(later), wakeUp);
        if (next != Long.MAX_VALUE) {
            timers.registerEventTimeTimer(next);
        }
        s.setPending(later);
        return s;
    }

    /**
     * An event's hits in the order they apply: resets and second steps before first steps. {@link
     * #onEvent} stores them in that order; a rule state written by an earlier version may not be.
     */
    private static List<RuleHit> inOrder(List<RuleHit> hits) {
        for (int i = 1; i < hits.size(); i++) {
            if (RESETS_FIRST.compare(hits.get(i - 1), hits.get(i)) > 0) {
                List<RuleHit> sorted = new ArrayList<>(hits);
                sorted.sort(RESETS_FIRST);
                return sorted;
            }
        }
        return hits;
    }

    /** Adds a hit where {@link #inOrder} puts it: a reset or second step after the others, before every first step. */
    private static void addInOrder(List<RuleHit> hits, RuleHit hit) {
        int at = hits.size();
        if (hit.getRole() != CompiledRule.ROLE_WHEN) {
            while (at > 0 && hits.get(at - 1).getRole() == CompiledRule.ROLE_WHEN) {
                at--;
            }
        }
        hits.add(at, hit);
    }

    /**
     * Whether a finding may carry this event's journey snapshot: the event that completes a count or
     * a sequence, or an absence's start. A reset, a cancelling event or a sequence's first step never does.
     */
    private static boolean needsSnapshot(RuleSet.Hit hit) {
        switch (hit.rule.rule.pattern.kind) {
            case COUNT:
            case ABSENCE:
                return hit.role == CompiledRule.ROLE_WHEN;
            case SEQUENCE:
                return hit.role == CompiledRule.ROLE_THEN;
            default:
                return false;
        }
    }

    private static List<PendingEvent> mutablePending(RuleState s) {
        if (!(s.getPending() instanceof ArrayList)) {
            s.setPending(new ArrayList<>(s.getPending()));
        }
        return s.getPending();
    }
}

package io.cxstream.loop;

import io.cxstream.avro.Priority;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.LoopSpec;
import io.cxstream.rules.Rule;
import io.cxstream.rules.RuleException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop's rules per rule id, from the rules the rule engine accepted (start rules overlaid by the rules topic,
 * {@link io.cxstream.rules.RuleBook#versions}): each version's {@code loop} spec (what resolves an outreach, how
 * long after its trigger, the rule's own time to ack), falling back to the route's and priority's SLA. As in the
 * rule engine, the version that counts is the one in force at the event time in question (the latest
 * effectiveFrom not after it); a disabled or deleted version has no spec. Immutable; rebuilt when a rule changes.
 */
final class LoopPolicies {
    /** One version of a rule as the loop reads it; {@code spec} null when it has no loop or is disabled. */
    private record Version(long effectiveFrom, LoopSpec spec) {}

    /** Only rules with a loop spec in some version (the others resolve nothing and take the route's SLA). */
    private final Map<String, List<Version>> rules = new HashMap<>();

    private final LoopConfig config;

    LoopPolicies(LoopConfig config, Map<String, List<Rule>> versions) throws RuleException {
        this.config = config;
        for (Map.Entry<String, List<Rule>> e : versions.entrySet()) {
            List<Version> list = new ArrayList<>();
            boolean any = false;
            for (Rule rule : e.getValue()) {
                LoopSpec spec = rule.enabled ? LoopSpec.ofRuleJson(rule.json) : null;
                list.add(new Version(rule.effectiveFrom, spec));
                any |= spec != null;
            }
            if (any) {
                rules.put(e.getKey(), list);
            }
        }
    }

    /** The loop spec of rule {@code ruleId} in force at event time {@code time}, or null. */
    private LoopSpec inForce(String ruleId, long time) {
        List<Version> list = ruleId == null ? null : rules.get(ruleId);
        if (list != null) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i).effectiveFrom <= time) {
                    return list.get(i).spec;
                }
            }
        }
        return null;
    }

    /** Ids of the rules whose {@code resolvedBy}, in force at the event's time, the event matches. */
    List<String> resolvedBy(JourneyEvent e) {
        List<String> ids = new ArrayList<>(1);
        for (String id : rules.keySet()) {
            LoopSpec spec = inForce(id, e.eventTime);
            if (spec != null && spec.resolves(e)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Whether the touch resolves the outreach: it matched the rule's resolvedBy, within its window after the trigger. */
    boolean resolves(Touch t, Lifecycle l) {
        LoopSpec spec = inForce(l.ruleId, t.eventTime);
        return spec != null
                && spec.within != null
                && t.resolves.contains(l.ruleId)
                && t.eventTime > l.triggerTime
                && t.eventTime <= l.triggerTime + spec.within.toMillis();
    }

    /** The first of the touches (events that arrived before the outreach) that resolves it, or null. */
    Touch firstResolver(List<Touch> touches, Lifecycle l) {
        for (Touch t : touches == null ? List.<Touch>of() : touches) {
            if (resolves(t, l)) {
                return t;
            }
        }
        return null;
    }

    /** The time to ack of the outreach at {@code priority}: its rule's (in force at the trigger), else its route's; null: none. */
    Duration sla(Lifecycle l, Priority priority) {
        LoopSpec spec = inForce(l.ruleId, l.triggerTime);
        return spec != null && spec.ackSla != null ? spec.ackSla : config.sla(l.route, priority);
    }
}

package io.cxstream.loop;

import io.cxstream.avro.Priority;
import io.cxstream.journey.JourneyEvent;
import io.cxstream.rules.LoopSpec;
import io.cxstream.rules.RuleException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop's rules per rule id: the {@code loop} specs of the job's start rules (what resolves an outreach, how
 * long after its trigger, the rule's own time to ack), falling back to the route's and priority's SLA. A rule
 * published later on the rules topic has no spec here: its outreach is not auto-resolved and takes the
 * route's SLA.
 */
final class LoopPolicies {
    private final Map<String, LoopSpec> specs = new HashMap<>();
    private final LoopConfig config;

    LoopPolicies(LoopConfig config, List<String> ruleJsons) throws RuleException {
        this.config = config;
        for (String json : ruleJsons) {
            LoopSpec spec = LoopSpec.ofRuleJson(json);
            if (spec != null) {
                specs.put(spec.ruleId, spec);
            }
        }
    }

    /** Ids of the rules whose {@code resolvedBy} the event matches. */
    List<String> resolvedBy(JourneyEvent e) {
        List<String> ids = new ArrayList<>(1);
        for (LoopSpec spec : specs.values()) {
            if (spec.resolves(e)) {
                ids.add(spec.ruleId);
            }
        }
        return ids;
    }

    /** Whether the touch resolves the outreach: it matches the rule's resolvedBy within its window after the trigger. */
    boolean resolves(Touch t, Lifecycle l) {
        LoopSpec spec = specs.get(l.ruleId);
        return spec != null && spec.within != null && t.resolves.contains(l.ruleId) && t.eventTime > l.triggerTime
                && t.eventTime <= l.triggerTime + spec.within.toMillis();
    }

    /** The time to ack of the outreach at {@code priority}: the rule's own, else its route's; null: none. */
    Duration sla(Lifecycle l, Priority priority) {
        LoopSpec spec = specs.get(l.ruleId);
        return spec != null && spec.ackSla != null ? spec.ackSla : config.sla(l.route, priority);
    }
}

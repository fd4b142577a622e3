package io.cxstream.loop;

import io.cxstream.journey.JourneyEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets through, on the journey's side of the shuffle, only the events the lifecycle can use: those that
 * recover or churn a customer ({@link RecoverySignals}) or match a rule's {@code loop.resolvedBy}. Page views
 * and the like (most events) do not cross to the lifecycle at all.
 */
public class LoopEventFilter extends RichFilterFunction<JourneyEvent> {
    private static final long serialVersionUID = 1L;

    private final LoopConfig config;
    private final List<String> ruleJsons;
    private transient LoopPolicies policies;

    public LoopEventFilter(LoopConfig config, List<String> ruleJsons) {
        this.config = config;
        this.ruleJsons = new ArrayList<>(ruleJsons);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        policies = new LoopPolicies(config, ruleJsons);
    }

    @Override
    public boolean filter(JourneyEvent e) {
        return RecoverySignals.of(e) != null || !policies.resolvedBy(e).isEmpty();
    }
}

package io.cxstream.rules;

import io.cxstream.io.Metrics;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator instance's compiled rules: built from the {@link RuleBook} and the broadcast state on
 * first use (also after a restore, where the broadcast state comes back from the checkpoint) and
 * rebuilt when a published rule is accepted. Counts rejected rules and exposes the active ones.
 */
public final class RuleSetHolder {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSetHolder.class);

    private final RuleBook book;
    private final boolean reportsStatus;
    private final Counter rejected;
    private RuleSet current;
    private volatile int active;

    /** @param reportsStatus whether this instance publishes rule statuses (one instance does: all see every rule) */
    public RuleSetHolder(RuleBook book, MetricGroup metrics, boolean reportsStatus) {
        this.book = book;
        this.reportsStatus = reportsStatus;
        book.open();
        this.rejected = metrics.counter(Metrics.RULES_REJECTED);
        metrics.gauge(Metrics.RULES_ACTIVE, (Gauge<Integer>) () -> active);
    }

    /** The rules in force. */
    public RuleSet get(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (current == null) {
            current = book.ruleSet(state);
            active = book.active(state);
        }
        return current;
    }

    /** Applies a record of the rules topic; the status to publish, or null on the instances that do not publish. */
    public RuleStatus apply(RuleRecord record, BroadcastState<String, String> state) throws Exception {
        RuleStatus status = book.apply(record, state);
        if (RuleStatus.REJECTED.equals(status.status)) {
            if (reportsStatus) {
                rejected.inc();
                LOG.warn("Rule {} v{} rejected: {}", status.ruleId, status.version, status.reason);
            }
        } else if (!RuleStatus.UNCHANGED.equals(status.status)) {
            current = book.ruleSet(state);
            active = status.activeRules;
            if (reportsStatus) {
                LOG.info(
                        "Rule {} v{} {} (effective from {}); {} rules active",
                        status.ruleId,
                        status.version,
                        status.status,
                        status.effectiveFrom,
                        status.activeRules);
            }
        }
        return reportsStatus ? status : null;
    }
}

package io.cxstream.loop;

import io.cxstream.rules.RuleBook;
import io.cxstream.rules.RuleRecord;
import io.cxstream.rules.RuleStatus;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;

/**
 * One loop operator instance's view of the rules, for the operators on the rules broadcast ({@link RuleBook#RULES}):
 * every record of the rules topic is checked and stored by a {@link RuleBook} of the same start rules and limits
 * as the rule engine's, so the loop applies exactly what the rule engine accepted (same records, same order, same
 * checks) and rejects what it rejects. The stored rules live in the operator's own broadcast state (checkpointed);
 * the {@link LoopPolicies} are built from it on first use (also after a restore) and after each change.
 */
final class LoopRules implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LoopRules.class);

    private final LoopConfig config;
    private final RuleBook book;
    private transient LoopPolicies policies;

    /** @param book the job's start rules and how published ones are checked (as given to the rule engine) */
    LoopRules(LoopConfig config, RuleBook book) {
        this.config = config;
        this.book = book;
    }

    void open() {
        book.open();
        policies = null;
    }

    /** The policies of the rules in force. */
    LoopPolicies get(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (policies == null) {
            policies = new LoopPolicies(config, book.versions(state));
        }
        return policies;
    }

    /** Applies a record of the rules topic (a rejected one changes nothing; the rule engine reports it). */
    void apply(RuleRecord record, BroadcastState<String, String> state) throws Exception {
        RuleStatus status = book.apply(record, state);
        if (!RuleStatus.REJECTED.equals(status.status) && !RuleStatus.UNCHANGED.equals(status.status)) {
            policies = null;
            LOG.debug(
                    "Rule {} v{} {}: the loop reads it from {}",
                    status.ruleId,
                    status.version,
                    status.status,
                    status.effectiveFrom);
        }
    }
}

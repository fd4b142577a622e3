package io.cxstream.loop;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.RecoveryOutcome;
import io.cxstream.journey.JourneyEvent;

/**
 * What an event says about a followed customer: CHURNED for ACCOUNT_CLOSED; RECOVERED for an order, an NPS
 * answer of 7 or more, or a CSAT answer of 4 or more; otherwise nothing.
 */
final class RecoverySignals {
    static final int MIN_NPS = 7;
    static final int MIN_CSAT = 4;

    private RecoverySignals() {}

    static RecoveryOutcome of(JourneyEvent e) {
        if (e.interactionType == InteractionType.ACCOUNT_CLOSED) {
            return RecoveryOutcome.CHURNED;
        }
        if (e.interactionType == InteractionType.ORDER_PLACED
                || (e.metric == FeedbackMetric.NPS && e.score >= MIN_NPS)
                || (e.metric == FeedbackMetric.CSAT && e.score >= MIN_CSAT)) {
            return RecoveryOutcome.RECOVERED;
        }
        return null;
    }
}

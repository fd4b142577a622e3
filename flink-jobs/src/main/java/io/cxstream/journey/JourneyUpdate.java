package io.cxstream.journey;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.JourneyState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How one event changes a customer's {@link JourneyState} (stage, segment, churn risk, latest scores,
 * recent touchpoints, consents), and the {@link JourneyEvent} it becomes. No Flink state here: the
 * journey operator reads the value, calls this, and writes it back.
 */
public final class JourneyUpdate {
    /** The attribute that, when present on an interaction, sets the customer's segment. */
    public static final String SEGMENT_ATTRIBUTE = "segment";

    private final int recentTouchpoints;

    /** @param recentTouchpoints how many touchpoints to keep (bounds state size) */
    public JourneyUpdate(int recentTouchpoints) {
        this.recentTouchpoints = recentTouchpoints;
    }

    public JourneyEvent onInteraction(InteractionEvent e, JourneyState state) {
        long t = e.getEventTime().toEpochMilli();
        if (e.getType() == InteractionType.ORDER_PLACED) {
            state.setOrders(state.getOrders() + 1);
        }
        Map<String, String> attributes = e.getAttributes();
        if (attributes != null) {
            String segment = attributes.get(SEGMENT_ATTRIBUTE);
            if (segment != null && !segment.isBlank()) {
                state.setSegmentOverride(segment.length() > 64 ? segment.substring(0, 64) : segment);
            }
        }
        int points = ChurnRisk.frictionPoints(e.getType());
        if (points != 0 || state.getFriction() > 0) {
            state.setFriction(ChurnRisk.friction(state.getFriction(), state.getFrictionUpdatedAt(), t, points));
            state.setFrictionUpdatedAt(Math.max(t, state.getFrictionUpdatedAt()));
        }
        JourneyStage stage = JourneyStageModel.afterInteraction(state.getStage(), e.getType(), state.getOrders());
        if (e.getType() == InteractionType.ORDER_PLACED) {
            state.setStage(stage); // an order takes a customer out of AT_RISK
        } else {
            state.setStage(JourneyStageModel.withChurnRisk(stage, churn(state)));
        }
        addTouchpoint(state, e.getChannel().name() + ":" + e.getTouchpoint());

        JourneyEvent out = new JourneyEvent();
        out.customerId = e.getCustomerId();
        out.eventId = e.getEventId();
        out.eventTime = t;
        out.interactionType = e.getType();
        out.channel = e.getChannel();
        out.touchpoint = e.getTouchpoint();
        out.agentId = e.getAgentId();
        return out;
    }

    public JourneyEvent onFeedback(FeedbackEvent e, JourneyState state) {
        JourneyEvent out = new JourneyEvent();
        out.customerId = e.getCustomerId();
        out.eventId = e.getEventId();
        out.eventTime = e.getEventTime().toEpochMilli();
        out.metric = e.getMetric();
        out.score = e.getScore();
        out.normalizedScore = FeedbackScoring.normalized(e.getMetric(), e.getScore());
        out.channel = e.getChannel();
        out.touchpoint = e.getTouchpoint();
        out.agentId = e.getAgentId();
        out.surveyId = e.getSurveyId();
        JourneyStage stage = state.getStage();
        if (e.getMetric() == FeedbackMetric.NPS) {
            out.npsCategory = FeedbackScoring.npsCategory(e.getScore());
            state.setLastNps(e.getScore());
            stage = JourneyStageModel.afterNps(stage, out.npsCategory);
        } else if (e.getMetric() == FeedbackMetric.CSAT) {
            state.setLastCsat(e.getScore());
        } else {
            state.setLastCes(e.getScore());
        }
        if (out.npsCategory != NpsCategory.PROMOTER) {
            stage = JourneyStageModel.withChurnRisk(stage, churn(state));
        }
        state.setStage(stage);
        return out;
    }

    /** Records a consent change (not an erasure) in the journey. */
    public static void onConsent(ConsentEvent e, JourneyState state) {
        boolean allowed = e.getAction() == ConsentAction.OPT_IN;
        ConsentPurpose purpose = e.getPurpose();
        if (purpose == ConsentPurpose.SERVICE || purpose == ConsentPurpose.ALL) {
            state.setServiceConsent(allowed);
        }
        if (purpose == ConsentPurpose.MARKETING || purpose == ConsentPurpose.ALL) {
            state.setMarketingConsent(allowed);
        }
    }

    private void addTouchpoint(JourneyState state, String touchpoint) {
        List<String> recent = state.getRecentTouchpoints();
        if (!(recent instanceof ArrayList)) {
            recent = new ArrayList<>(recent);
            state.setRecentTouchpoints(recent);
        }
        recent.add(touchpoint);
        while (recent.size() > recentTouchpoints) {
            recent.remove(0);
        }
    }

    private static int churn(JourneyState s) {
        return ChurnRisk.churnRisk(s.getFriction(), s.getLastNps(), s.getLastCsat(), s.getLastCes());
    }

    /** The compact view attached to events and outreach. */
    public static JourneySnapshot snapshot(JourneyState s) {
        String segment = s.getSegmentOverride() != null
                ? s.getSegmentOverride()
                : s.getOrders() == 0 ? "NEW" : s.getOrders() < 5 ? "ACTIVE" : "LOYAL";
        // Every field set: the constructor, not the builder (which copies the defaults first).
        return new JourneySnapshot(
                s.getStage(),
                segment,
                churn(s),
                s.getLastNps(),
                s.getLastCsat(),
                s.getLastCes(),
                new ArrayList<>(s.getRecentTouchpoints()));
    }
}

package io.cxstream.journey;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.DeadLetter;
import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.avro.JourneyState;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.io.CxEvent;
import io.cxstream.io.Metrics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps each customer's journey (stage, segment, churn risk, latest scores, recent touchpoints,
 * consents) in one {@link JourneyState} value — one state read and at most one write per event —
 * and emits every interaction and scored feedback as a {@link JourneyEvent} carrying the journey
 * snapshot after it.
 *
 * <p>Side outputs: {@link #CONSENTS} forwards consent changes and erasure requests to the outreach
 * decision; {@link #LATE} dead-letters events at or behind the watermark (the detectors would drop
 * them). Consent changes are never late: they always apply.
 */
public class JourneyFunction extends KeyedProcessFunction<String, CxEvent, JourneyEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<ConsentEvent> CONSENTS = new OutputTag<>("consents", new AvroTypeInfo<>(ConsentEvent.class)) {};
    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events", new AvroTypeInfo<>(DeadLetter.class)) {};

    /** The attribute that, when present on an interaction, sets the customer's segment. */
    public static final String SEGMENT_ATTRIBUTE = "segment";

    /** Journey state, one Avro record per customer; expires after {@code state.ttl} without writes. */
    public static ValueStateDescriptor<JourneyState> journeyDescriptor(Duration ttl) {
        ValueStateDescriptor<JourneyState> descriptor =
                new ValueStateDescriptor<>("journey", new AvroTypeInfo<>(JourneyState.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        return descriptor;
    }

    private final Duration stateTtl;
    private final int recentTouchpoints;
    private final long frictionWindowMillis;
    private final String interactionsTopic;
    private final String feedbackTopic;

    private transient ValueState<JourneyState> journey;
    private transient Counter lateEvents;
    private transient WireCodec<InteractionEvent> interactionCodec;
    private transient WireCodec<FeedbackEvent> feedbackCodec;

    /**
     * @param stateTtl how long a silent customer's journey is kept
     * @param recentTouchpoints how many touchpoints to keep (bounds state size)
     * @param frictionWindow the longest window of a detector that an order can break (payment friction,
     *     abandonment): an order further than this from any payment failure or error is not
     *     {@link JourneyEvent#afterFriction}
     * @param interactionsTopic source topic named on dead letters of late interactions
     * @param feedbackTopic source topic named on dead letters of late feedback
     */
    public JourneyFunction(Duration stateTtl, int recentTouchpoints, Duration frictionWindow,
                           String interactionsTopic, String feedbackTopic) {
        this.stateTtl = stateTtl;
        this.recentTouchpoints = recentTouchpoints;
        this.frictionWindowMillis = frictionWindow.toMillis();
        this.interactionsTopic = interactionsTopic;
        this.feedbackTopic = feedbackTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        journey = getRuntimeContext().getState(journeyDescriptor(stateTtl));
        lateEvents = getRuntimeContext().getMetricGroup().counter(Metrics.LATE_EVENTS);
        interactionCodec = WireCodec.of(InteractionEvent.class);
        feedbackCodec = WireCodec.of(FeedbackEvent.class);
    }

    @Override
    public void processElement(CxEvent event, Context ctx, Collector<JourneyEvent> out) throws Exception {
        if (event.consent != null) {
            onConsent(event.consent, ctx, out);
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (event.eventTime <= watermark) {
            lateEvents.inc();
            ctx.output(LATE, lateDeadLetter(event, watermark, ctx.timerService().currentProcessingTime()));
            return;
        }
        JourneyState state = journey.value();
        if (state == null) {
            state = JourneyState.newBuilder().build();
        }
        JourneyEvent result = event.interaction != null ? onInteraction(event.interaction, state) : onFeedback(event.feedback, state);
        JourneyEvent reorderedOrder = event.interaction != null ? trackOrdersAndFriction(result, state) : null;
        state.setLastEventTime(Math.max(state.getLastEventTime(), event.eventTime));
        journey.update(state);
        JourneySnapshot snapshot = snapshot(state);
        result.snapshot = snapshot;
        out.collect(result);
        if (reorderedOrder != null) {
            reorderedOrder.snapshot = snapshot;
            out.collect(reorderedOrder);
        }
    }

    /**
     * Most orders are nowhere near a payment failure or an error, and the detectors that orders can
     * break (payment friction, abandonment) would only buffer and drop them — at the price of CEP
     * state churn in RocksDB for every order. So an order is flagged {@link JourneyEvent#afterFriction}
     * only when a payment failure or error was seen within the friction window before it.
     *
     * <p>Events of one customer can arrive out of event-time order (within the watermark's bound).
     * When a payment failure or error arrives that is older than the newest order, and that order was
     * not flagged, the order is emitted again, flagged, so the detectors see it between the two: the
     * detectors order their input by event time. Only the newest order is remembered; two unflagged
     * orders overtaken by one older failure would miss the earlier order (needs three events of one
     * customer reordered within the watermark bound).
     *
     * @return the newest order to emit again, or null
     */
    private JourneyEvent trackOrdersAndFriction(JourneyEvent e, JourneyState state) {
        if (e.interactionType == InteractionType.ORDER_PLACED) {
            boolean near = state.getLastFrictionAt() > 0 && e.eventTime - state.getLastFrictionAt() <= frictionWindowMillis;
            e.afterFriction = near;
            if (e.eventTime >= state.getLastOrderAt()) {
                state.setLastOrderAt(e.eventTime);
                state.setLastOrderId(e.eventId);
                state.setLastOrderForwarded(near);
            }
            return null;
        }
        if (e.interactionType != InteractionType.PAYMENT_FAILED && e.interactionType != InteractionType.ERROR) {
            return null;
        }
        state.setLastFrictionAt(Math.max(state.getLastFrictionAt(), e.eventTime));
        if (!state.getLastOrderForwarded() && e.eventTime < state.getLastOrderAt()) {
            state.setLastOrderForwarded(true);
            JourneyEvent order = new JourneyEvent();
            order.customerId = e.customerId;
            order.eventId = state.getLastOrderId();
            order.eventTime = state.getLastOrderAt();
            order.interactionType = InteractionType.ORDER_PLACED;
            order.afterFriction = true;
            return order;
        }
        return null;
    }

    private JourneyEvent onInteraction(InteractionEvent e, JourneyState state) {
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

    private JourneyEvent onFeedback(FeedbackEvent e, JourneyState state) {
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

    /**
     * Applies a consent change and forwards it to the outreach decision. An erasure also clears the
     * journey and sends an erasure marker down the main output, so every detector forgets the
     * customer's partial matches (see {@code ErasingCepOperator}).
     */
    private void onConsent(ConsentEvent e, Context ctx, Collector<JourneyEvent> out) throws Exception {
        if (e.getAction() == ConsentAction.ERASE) {
            journey.clear();
            out.collect(JourneyEvent.erasureOf(e.getCustomerId(), e.getEventTime().toEpochMilli()));
        } else {
            JourneyState state = journey.value();
            if (state == null) {
                state = JourneyState.newBuilder().build();
            }
            boolean allowed = e.getAction() == ConsentAction.OPT_IN;
            ConsentPurpose purpose = e.getPurpose();
            if (purpose == ConsentPurpose.SERVICE || purpose == ConsentPurpose.ALL) {
                state.setServiceConsent(allowed);
            }
            if (purpose == ConsentPurpose.MARKETING || purpose == ConsentPurpose.ALL) {
                state.setMarketingConsent(allowed);
            }
            journey.update(state);
        }
        ctx.output(CONSENTS, e);
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
        String segment = s.getSegmentOverride() != null ? s.getSegmentOverride()
                : s.getOrders() == 0 ? "NEW" : s.getOrders() < 5 ? "ACTIVE" : "LOYAL";
        return JourneySnapshot.newBuilder()
                .setStage(s.getStage())
                .setSegment(segment)
                .setChurnRisk(churn(s))
                .setLastNps(s.getLastNps())
                .setLastCsat(s.getLastCsat())
                .setLastCes(s.getLastCes())
                .setRecentTouchpoints(new ArrayList<>(s.getRecentTouchpoints()))
                .build();
    }

    private DeadLetter lateDeadLetter(CxEvent event, long watermark, long now) {
        byte[] payload = event.interaction != null
                ? interactionCodec.encode(event.interaction, WireFormat.AVRO)
                : feedbackCodec.encode(event.feedback, WireFormat.AVRO);
        return DeadLetter.newBuilder()
                .setSourceTopic(event.interaction != null ? interactionsTopic : feedbackTopic)
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setReason(DeadLetterReason.LATE_EVENT)
                .setDetail("eventTime " + event.eventTime + " is at or behind the watermark " + watermark
                        + " (watermark.max-out-of-orderness)")
                .setPayload(ByteBuffer.wrap(payload))
                .setPayloadTruncated(false)
                .setRecordTimestamp(Instant.ofEpochMilli(event.eventTime))
                .setDeadLetteredAt(Instant.ofEpochMilli(now))
                .build();
    }
}

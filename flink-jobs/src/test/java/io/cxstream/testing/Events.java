package io.cxstream.testing;

import io.cxstream.avro.Channel;
import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.JourneyStage;
import io.cxstream.journey.FeedbackScoring;
import io.cxstream.journey.JourneyEvent;

import java.time.Instant;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Test fixtures: input events and journey events with sensible defaults. */
public final class Events {
    private static final AtomicLong IDS = new AtomicLong();

    private Events() {}

    public static String nextId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    public static InteractionEvent interaction(String customer, long time, InteractionType type, String touchpoint) {
        return InteractionEvent.newBuilder()
                .setEventId(nextId("i"))
                .setCustomerId(customer)
                .setEventTime(Instant.ofEpochMilli(time))
                .setChannel(Channel.WEB)
                .setTouchpoint(touchpoint)
                .setType(type)
                .setSessionId("s-" + customer)
                .setAttributes(new HashMap<>())
                .build();
    }

    public static FeedbackEvent feedback(String customer, long time, FeedbackMetric metric, int score) {
        return FeedbackEvent.newBuilder()
                .setEventId(nextId("f"))
                .setCustomerId(customer)
                .setEventTime(Instant.ofEpochMilli(time))
                .setChannel(Channel.EMAIL)
                .setTouchpoint("delivery")
                .setMetric(metric)
                .setScore(score)
                .setComment("a personal comment")
                .setSurveyId("survey-1")
                .build();
    }

    public static ConsentEvent consent(String customer, long time, ConsentAction action, ConsentPurpose purpose) {
        return ConsentEvent.newBuilder()
                .setEventId(nextId("c"))
                .setCustomerId(customer)
                .setEventTime(Instant.ofEpochMilli(time))
                .setAction(action)
                .setPurpose(purpose)
                .build();
    }

    /** A journey event as the journey function would emit it, with a plain snapshot. */
    public static JourneyEvent journeyInteraction(String customer, long time, InteractionType type, String touchpoint) {
        JourneyEvent e = base(customer, time);
        e.interactionType = type;
        e.touchpoint = touchpoint;
        e.channel = Channel.WEB;
        return e;
    }

    public static JourneyEvent journeyNps(String customer, long time, int score) {
        JourneyEvent e = base(customer, time);
        e.metric = FeedbackMetric.NPS;
        e.score = score;
        e.normalizedScore = FeedbackScoring.normalized(FeedbackMetric.NPS, score);
        e.npsCategory = FeedbackScoring.npsCategory(score);
        e.touchpoint = "delivery";
        e.channel = Channel.EMAIL;
        return e;
    }

    private static JourneyEvent base(String customer, long time) {
        JourneyEvent e = new JourneyEvent();
        e.customerId = customer;
        e.eventId = nextId("j");
        e.eventTime = time;
        e.snapshot = JourneySnapshot.newBuilder()
                .setStage(JourneyStage.PURCHASE)
                .setSegment("ACTIVE")
                .build();
        return e;
    }
}

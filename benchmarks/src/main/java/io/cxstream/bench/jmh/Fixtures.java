package io.cxstream.bench.jmh;

import io.cxstream.avro.Channel;
import io.cxstream.avro.Evidence;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.JourneySnapshot;
import io.cxstream.avro.Priority;
import io.cxstream.avro.Route;
import io.cxstream.generator.CustomerSimulator;
import io.cxstream.io.CxEvent;
import io.cxstream.rules.Trigger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Inputs of the microbenchmarks: realistic records, built once per trial. */
final class Fixtures {
    static final long T0 = 1_700_000_000_000L;
    private static final InteractionType[] JOURNEY = {
        InteractionType.PAGE_VIEW,
        InteractionType.SEARCH,
        InteractionType.CART_ADD,
        InteractionType.CHECKOUT_START,
        InteractionType.ORDER_PLACED
    };

    private Fixtures() {}

    static InteractionEvent interaction(long customer, long time, InteractionType type) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("device", "mobile");
        attributes.put("locale", "de-DE");
        return InteractionEvent.newBuilder()
                .setEventId("i-" + customer + "-" + time)
                .setCustomerId(CustomerSimulator.customerId(customer))
                .setEventTime(Instant.ofEpochMilli(time))
                .setChannel(Channel.WEB)
                .setTouchpoint(
                        type == InteractionType.ORDER_PLACED || type == InteractionType.CHECKOUT_START
                                ? "checkout"
                                : "home")
                .setType(type)
                .setSessionId("s-" + customer)
                .setAttributes(attributes)
                .build();
    }

    static FeedbackEvent feedback(long customer, long time, int score) {
        return FeedbackEvent.newBuilder()
                .setEventId("f-" + customer + "-" + time)
                .setCustomerId(CustomerSimulator.customerId(customer))
                .setEventTime(Instant.ofEpochMilli(time))
                .setChannel(Channel.EMAIL)
                .setTouchpoint("delivery")
                .setMetric(FeedbackMetric.NPS)
                .setScore(score)
                .setComment("the parcel came late and nobody answered the phone")
                .setSurveyId("survey-1")
                .build();
    }

    /**
     * A stream of journey events over {@code customers} customers: each customer in turn gets the next step of
     * a PAGE_VIEW → SEARCH → CART_ADD → CHECKOUT_START → ORDER_PLACED → NPS answer journey, in event-time order.
     */
    static CxEvent[] journeyEvents(int customers, int count) {
        CxEvent[] events = new CxEvent[count];
        for (int i = 0; i < count; i++) {
            long customer = i % customers;
            int step = (i / customers) % (JOURNEY.length + 1);
            long time = T0 + i;
            events[i] = step < JOURNEY.length
                    ? CxEvent.of(interaction(customer, time, JOURNEY[step]))
                    : CxEvent.of(feedback(customer, time, (int) (customer % 11)));
        }
        return events;
    }

    /** A detractor finding of the shipped rule, as the journey operator emits it. */
    static Trigger trigger(long customer, long time) {
        Trigger t = new Trigger();
        t.customerId = CustomerSimulator.customerId(customer);
        t.trigger = "DETRACTOR";
        t.ruleId = "detractor";
        t.ruleVersion = 1;
        t.route = Route.CONTACT_CENTER;
        t.cooldownMillis = 24 * 3_600_000L;
        t.priority = Priority.P2;
        t.reason = "NPS 3 after a late delivery";
        t.recommendedAction = "call back within a day";
        List<Evidence> evidence = new ArrayList<>();
        evidence.add(new Evidence("f-" + customer, Instant.ofEpochMilli(time), "NPS=3"));
        t.evidence = evidence;
        t.snapshot = JourneySnapshot.newBuilder().build();
        t.lastEvidenceTime = time;
        return t;
    }
}

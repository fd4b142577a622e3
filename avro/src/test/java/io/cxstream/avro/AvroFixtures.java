package io.cxstream.avro;

import org.apache.avro.specific.SpecificRecordBase;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated example of every top-level record of the data contracts. */
final class AvroFixtures {
    /** 2024-11-23T08:20:00Z, a millisecond-precise event time (the wire keeps milliseconds only). */
    static final Instant EVENT_TIME = Instant.ofEpochMilli(1_732_350_000_000L);

    private AvroFixtures() {}

    static InteractionEvent interaction() {
        return InteractionEvent.newBuilder()
                .setEventId("e-1")
                .setCustomerId("c-0000042")
                .setEventTime(EVENT_TIME)
                .setChannel(Channel.CHAT)
                .setTouchpoint("checkout")
                .setType(InteractionType.PAYMENT_FAILED)
                .setSessionId("s-1")
                .setAgentId("a-7")
                .setAttributes(Map.of("orderId", "o-9", "errorCode", "CARD_DECLINED", "amount", "42.50"))
                .build();
    }

    static FeedbackEvent feedback() {
        return FeedbackEvent.newBuilder()
                .setEventId("e-2")
                .setCustomerId("c-0000042")
                .setEventTime(EVENT_TIME)
                .setChannel(Channel.EMAIL)
                .setTouchpoint("delivery")
                .setMetric(FeedbackMetric.NPS)
                .setScore(3)
                .setComment("Parcel arrived late, \"damaged\" — ünïcödé ok")
                .setAgentId("a-7")
                .setSurveyId("nps-post-delivery")
                .build();
    }

    static ConsentEvent consent() {
        return ConsentEvent.newBuilder()
                .setEventId("e-3")
                .setCustomerId("c-0000042")
                .setEventTime(EVENT_TIME)
                .setAction(ConsentAction.OPT_IN)
                .setPurpose(ConsentPurpose.MARKETING)
                .setChannel(Channel.WEB)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("cx.interactions")
                .setSourcePartition(3)
                .setSourceOffset(123_456L)
                .setReason(DeadLetterReason.UNDECODABLE)
                .setDetail("Avro body does not decode")
                .setPayload(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x00, (byte) 0xFF, 0x7F}))
                .setPayloadTruncated(true)
                .setRecordTimestamp(EVENT_TIME)
                .setDeadLetteredAt(EVENT_TIME.plusMillis(5))
                .build();
    }

    static OutreachEvent outreach() {
        JourneySnapshot journey = JourneySnapshot.newBuilder()
                .setStage(JourneyStage.AT_RISK)
                .setSegment("ACTIVE")
                .setChurnRisk(77)
                .setLastNps(3)
                .setLastCsat(null)
                .setLastCes(2)
                .setRecentTouchpoints(List.of("WEB:checkout", "CHAT:support"))
                .build();
        return OutreachEvent.newBuilder()
                .setOutreachId("o-" + "ab".repeat(8))
                .setCustomerId("c-0000042")
                .setTrigger(TriggerType.DETRACTOR)
                .setRoute(Route.CONTACT_CENTER)
                .setPriority(Priority.P1)
                .setReason("NPS 3 after a late delivery")
                .setRecommendedAction("Call back within 24 h")
                .setEvidence(List.of(new Evidence("e-2", EVENT_TIME, "NPS=3")))
                .setJourney(journey)
                .setAgentId(null)
                .setLastEvidenceTime(EVENT_TIME)
                .setEmittedAt(EVENT_TIME.plusSeconds(2))
                .build();
    }

    static JourneyState journeyState() {
        return JourneyState.newBuilder()
                .setStage(JourneyStage.SUPPORT)
                .setSegmentOverride("VIP")
                .setOrders(2)
                .setFriction(40)
                .setFrictionUpdatedAt(EVENT_TIME.toEpochMilli())
                .setLastNps(null)
                .setLastCsat(2)
                .setLastCes(null)
                .setRecentTouchpoints(List.of("WEB:checkout"))
                .setServiceConsent(true)
                .setMarketingConsent(false)
                .setLastEventTime(EVENT_TIME.toEpochMilli())
                .build();
    }

    /** Every fixture, one per record type. */
    static List<SpecificRecordBase> all() {
        return List.of(interaction(), feedback(), consent(), deadLetter(), outreach(), journeyState());
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

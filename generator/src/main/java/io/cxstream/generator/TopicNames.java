package io.cxstream.generator;

import java.util.Objects;

/**
 * The three input topics, one per {@link EventKind}.
 *
 * @param interactions topic of {@link io.cxstream.avro.InteractionEvent}s
 * @param feedback topic of {@link io.cxstream.avro.FeedbackEvent}s
 * @param consents topic of {@link io.cxstream.avro.ConsentEvent}s
 */
public record TopicNames(String interactions, String feedback, String consents) {
    /** The topic names the schemas document: {@code cx.interactions}, {@code cx.feedback}, {@code cx.consents}. */
    public static final TopicNames DEFAULT = new TopicNames("cx.interactions", "cx.feedback", "cx.consents");

    public TopicNames {
        requireTopic("interactions", interactions);
        requireTopic("feedback", feedback);
        requireTopic("consents", consents);
    }

    /** The topic that events of the given kind go to. */
    public String forKind(EventKind kind) {
        return switch (Objects.requireNonNull(kind, "kind")) {
            case INTERACTION -> interactions;
            case FEEDBACK -> feedback;
            case CONSENT -> consents;
        };
    }

    private static void requireTopic(String field, String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("TopicNames." + field + " must not be blank but was '" + topic + "'");
        }
    }
}

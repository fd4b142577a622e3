package io.cxstream.testing;

import io.cxstream.kafka.EmbeddedKafkaBroker;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** A fresh set of the job's topics (inputs, outputs, rules, rule status, VoC, the closed loop's), and the job settings that name them. */
public final class CxTopics {
    public final String interactions;
    public final String feedback;
    public final String consents;
    public final String contactCenter;
    public final String marketing;
    public final String deadLetter;
    /** Compacted, one partition. */
    public final String rules;

    public final String rulesStatus;
    public final String voc;
    public final String vocAlerts;
    public final String outreachUpdates;
    public final String outreachFeedback;
    public final String outreachRecovery;
    private final String bootstrapServers;

    /** On the broker the test classes share. */
    public CxTopics(SharedKafkaBroker kafka) {
        this(kafka.bootstrapServers(), kafka::freshTopic, kafka::freshCompactedTopic);
    }

    /**
     * On a test's own broker (one it stops, or one with extra listeners), with two partitions each;
     * the job connects through {@code bootstrapServers}, e.g. one of the broker's extra listeners.
     */
    public CxTopics(EmbeddedKafkaBroker kafka, String bootstrapServers) {
        this(
                bootstrapServers,
                base -> {
                    String name = base + "-" + UUID.randomUUID().toString().substring(0, 8);
                    kafka.createTopics(2, name);
                    return name;
                },
                base -> {
                    String name = base + "-" + UUID.randomUUID().toString().substring(0, 8);
                    kafka.createCompactedTopics(name);
                    return name;
                });
    }

    private CxTopics(
            String bootstrapServers,
            Function<String, String> freshTopic,
            Function<String, String> freshCompactedTopic) {
        this.bootstrapServers = bootstrapServers;
        this.interactions = freshTopic.apply("cx.interactions");
        this.feedback = freshTopic.apply("cx.feedback");
        this.consents = freshTopic.apply("cx.consents");
        this.contactCenter = freshTopic.apply("cx.outreach.contact-center");
        this.marketing = freshTopic.apply("cx.outreach.marketing");
        this.deadLetter = freshTopic.apply("cx.deadletter");
        this.rules = freshCompactedTopic.apply("cx.rules");
        this.rulesStatus = freshTopic.apply("cx.rules.status");
        this.voc = freshTopic.apply("cx.voc");
        this.vocAlerts = freshTopic.apply("cx.voc.alerts");
        this.outreachUpdates = freshTopic.apply("cx.outreach.updates");
        this.outreachFeedback = freshTopic.apply("cx.outreach.feedback");
        this.outreachRecovery = freshTopic.apply("cx.outreach.recovery");
    }

    /** Job settings for these topics, quick event time and a fresh consumer group; add or override freely. */
    public Map<String, String> jobSettings() {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap-servers", bootstrapServers);
        s.put("topic.interactions", interactions);
        s.put("topic.feedback", feedback);
        s.put("topic.consents", consents);
        s.put("topic.outreach.contact-center", contactCenter);
        s.put("topic.outreach.marketing", marketing);
        s.put("topic.deadletter", deadLetter);
        s.put("topic.rules", rules);
        s.put("topic.rules-status", rulesStatus);
        s.put("topic.voc", voc);
        s.put("topic.voc-alerts", vocAlerts);
        s.put("topic.outreach.updates", outreachUpdates);
        s.put("topic.outreach.feedback", outreachFeedback);
        s.put("topic.outreach.recovery", outreachRecovery);
        s.put("group-id", "it-" + interactions);
        s.put("transactional-id-prefix", "it-" + interactions);
        s.put("starting-offsets", "earliest");
        // Events are stamped when a test creates them, and a partition quiet for the idleness follows
        // the job's clock minus the out-of-orderness: on busy CI cores a record can take several hundred
        // ms from stamp to job. 2 s / 2 s never dead-lettered a test event as LATE in the reliability
        // runs; 300 ms / 500 ms did under load.
        s.put("watermark.max-out-of-orderness", "2 s");
        s.put("watermark.idleness", "2 s");
        s.put("checkpoint.interval", "1 s");
        return s;
    }
}

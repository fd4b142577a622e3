package io.cxstream.rules;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.testing.CxJobCluster;
import io.cxstream.testing.CxTopics;
import io.cxstream.testing.Events;
import io.cxstream.testing.Kcat;
import io.cxstream.testing.Poll;
import io.cxstream.testing.TestKafkaClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules changed on a running job, the way the README shows: kcat publishes rule JSON to the rules
 * topic, the job says on the status topic what it made of each, and the alerts change live — a
 * threshold is lowered (detractor v2: NPS ≤ 4 instead of ≤ 6) and a new rule is added
 * (TWO_LOW_CSAT: two CSAT ≤ 2 about delivery within 30 days). A broken rule is rejected with its
 * reason and changes nothing. Real broker, MiniCluster at parallelism 2.
 */
class RulesLiveITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String DETRACTOR_V2 =
            "{\"id\":\"detractor\",\"version\":2,\"trigger\":\"DETRACTOR\",\"route\":\"CONTACT_CENTER\","
                    + "\"priority\":\"event.score <= 2 ? 'P1' : 'P2'\",\"reason\":\"NPS {score} (detractor) about {touchpoint}\","
                    + "\"action\":\"Call back today.\",\"pattern\":{\"kind\":\"single\",\"when\":\"event.metric == 'NPS' && event.score <= 4\"}}";
    static final String TWO_LOW_CSAT =
            "{\"id\":\"two-low-csat\",\"version\":1,\"trigger\":\"TWO_LOW_CSAT\",\"route\":\"CONTACT_CENTER\","
                    + "\"priority\":\"P2\",\"reason\":\"{count} CSAT answers of 2 or less about {touchpoint} within {span}\","
                    + "\"action\":\"Call about the deliveries before the customer leaves.\",\"cooldown\":\"7 d\","
                    + "\"pattern\":{\"kind\":\"count\",\"count\":2,\"within\":\"30 d\","
                    + "\"when\":\"event.metric == 'CSAT' && event.score <= 2 && event.touchpoint == 'delivery'\"}}";
    static final String BROKEN = "{\"id\":\"broken\",\"version\":1,\"trigger\":\"BROKEN\",\"route\":\"CONTACT_CENTER\","
            + "\"reason\":\"r\",\"action\":\"a\",\"pattern\":{\"kind\":\"single\",\"when\":\"event.score == 'high'\"}}";

    @RegisterExtension
    static final CxJobCluster CX = new CxJobCluster();

    @BeforeAll
    static void requireKcat() {
        Kcat.require();
    }

    @Test
    void aThresholdChangeAndANewRuleTakeEffectOnTheRunningJob() throws Exception {
        CxTopics topics = CX.topics();
        CX.start(topics.jobSettings(), 2);
        Kcat kcat = new Kcat(CX.bootstrapServers());

        // No filler ticker: a quiet input follows the job's clock, so waiting findings are decided.
        try (TestKafkaClient kafka = new TestKafkaClient(CX.bootstrapServers())) {
            // ---- before: the shipped rules ----
            long t = System.currentTimeMillis();
            nps(kafka, topics, "before-6", t, 6);
            csat(kafka, topics, "before-csat", t, 1);
            csat(kafka, topics, "before-csat", t + 1, 2);
            nps(kafka, topics, "before-csat", t + 2, 1); // proves the two CSAT answers were read
            List<OutreachEvent> before = kafka.readUntil(
                    topics.contactCenter,
                    OutreachEvent.class,
                    TIMEOUT,
                    seen -> keys(seen).containsAll(Set.of("before-6/DETRACTOR", "before-csat/DETRACTOR")));
            assertThat(keys(before)).containsExactlyInAnyOrder("before-6/DETRACTOR", "before-csat/DETRACTOR");

            // ---- publish: a lower threshold, a new rule, a broken rule ----
            kcat.produceKeyed(
                    topics.rules, "detractor|" + DETRACTOR_V2, "two-low-csat|" + TWO_LOW_CSAT, "broken|" + BROKEN);
            List<JsonNode> statuses = awaitStatuses(kcat, topics.rulesStatus, 3);
            assertThat(statuses)
                    .extracting(s -> s.get("ruleId").asText() + " v"
                            + s.get("version").asInt() + " " + s.get("status").asText())
                    .containsExactlyInAnyOrder(
                            "detractor v2 ACCEPTED", "two-low-csat v1 ACCEPTED", "broken v1 REJECTED");
            JsonNode rejected = statuses.stream()
                    .filter(s -> s.get("ruleId").asText().equals("broken"))
                    .findFirst()
                    .orElseThrow();
            assertThat(rejected.get("reason").asText()).contains("broken", "\"when\"", "no matching overload");
            long publishedAt = statuses.get(0).get("publishedAt").asLong();

            // ---- after: events stamped after the publication ----
            long t2 = Math.max(System.currentTimeMillis(), publishedAt + 1);
            nps(kafka, topics, "after-6", t2, 6);
            nps(kafka, topics, "after-6", t2 + 1, 3); // the same customer: only this one alerts now
            csat(kafka, topics, "after-csat", t2, 1);
            csat(kafka, topics, "after-csat", t2 + 1, 2);
            List<OutreachEvent> after = kafka.readUntil(
                    topics.contactCenter,
                    OutreachEvent.class,
                    TIMEOUT,
                    seen -> keys(seen).containsAll(Set.of("after-6/DETRACTOR", "after-csat/TWO_LOW_CSAT")));
            List<OutreachEvent> newOnes = after.stream()
                    .filter(o -> o.getCustomerId().startsWith("after-"))
                    .collect(Collectors.toList());
            assertThat(keys(newOnes)).containsExactlyInAnyOrder("after-6/DETRACTOR", "after-csat/TWO_LOW_CSAT");
            OutreachEvent detractor = newOnes.stream()
                    .filter(o -> o.getCustomerId().equals("after-6"))
                    .findFirst()
                    .orElseThrow();
            assertThat(detractor.getEvidence())
                    .as("the NPS 6 no longer alerts; the NPS 3 does, under version 2")
                    .singleElement()
                    .satisfies(e -> assertThat(e.getKind()).isEqualTo("NPS=3"));
            assertThat(detractor.getRuleId()).isEqualTo("detractor");
            assertThat(detractor.getRuleVersion()).isEqualTo(2);
            assertThat(detractor.getReason()).isEqualTo("NPS 3 (detractor) about delivery");
            OutreachEvent csat = newOnes.stream()
                    .filter(o -> o.getCustomerId().equals("after-csat"))
                    .findFirst()
                    .orElseThrow();
            assertThat(csat.getTrigger()).as("not a built-in trigger").isEqualTo(TriggerType.UNKNOWN);
            assertThat(csat.getRuleId()).isEqualTo("two-low-csat");
            assertThat(csat.getEvidence()).hasSize(2);
            assertThat(csat.getReason()).isEqualTo("2 CSAT answers of 2 or less about delivery within 0 s");
        }
    }

    private static void nps(TestKafkaClient kafka, CxTopics topics, String customer, long time, int score) {
        kafka.send(
                topics.feedback, customer, Events.feedback(customer, time, FeedbackMetric.NPS, score), WireFormat.JSON);
    }

    private static void csat(TestKafkaClient kafka, CxTopics topics, String customer, long time, int score) {
        kafka.send(
                topics.feedback,
                customer,
                Events.feedback(customer, time, FeedbackMetric.CSAT, score),
                WireFormat.JSON);
    }

    private static List<JsonNode> awaitStatuses(Kcat kcat, String topic, int count) throws Exception {
        return Poll.until(
                count + " rule statuses on " + topic,
                TIMEOUT,
                () -> {
                    List<JsonNode> statuses = new ArrayList<>();
                    for (String line : kcat.consumeAll(topic).split("\n")) {
                        if (!line.isBlank()) {
                            statuses.add(JSON.readTree(line));
                        }
                    }
                    return statuses;
                },
                statuses -> statuses.size() >= count);
    }

    static Set<String> keys(List<OutreachEvent> outreach) {
        return outreach.stream()
                .map(o -> o.getCustomerId() + "/"
                        + (o.getTriggerName() != null
                                ? o.getTriggerName()
                                : o.getTrigger().name()))
                .collect(Collectors.toSet());
    }
}

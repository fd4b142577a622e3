package io.cxstream.generator;

import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * Sends {@link VocSurveys} to the feedback topic: first ({@link #sendHistory}) a week of history, so the trend
 * alerts have a 7-day baseline when the demo starts, then ({@link #run}) live answers every second, stamped with
 * the wall clock, until closed. The panel's customers opt out of contact first: a survey panel's detractors are
 * counted in the aggregates without flooding the demo's contact center.
 * One touchpoint degrades {@code degradeAfter} after the start, and the demo shows the trend alert it causes.
 */
public final class VocSurveyLoad implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VocSurveyLoad.class);
    /** History answers an hour per touchpoint: 850 per touchpoint over the week, far above the baseline's minimum sample. */
    static final double HISTORY_PER_HOUR = 5;

    static final Duration HISTORY = Duration.ofDays(7).plusHours(2);
    /** History comes in 6-hourly batches: 30 minutes with answers per dimension value to replay, not 10,000. */
    static final Duration HISTORY_BATCHES = Duration.ofHours(6);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String consentsTopic;
    private final double livePerHour;
    private final VocSurveys surveys;
    private final WireCodec<FeedbackEvent> codec = WireCodec.of(FeedbackEvent.class);
    private final Instant start;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();

    public VocSurveyLoad(
            String bootstrapServers, String topic, String consentsTopic, double livePerHour, Duration degradeAfter) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.consentsTopic = consentsTopic;
        this.livePerHour = livePerHour;
        this.start = Instant.now();
        this.surveys = new VocSurveys(42, start.plus(degradeAfter));
    }

    /**
     * Sends the panel's opt-outs of contact (their detractor answers feed the aggregates, not the contact
     * center) and a week of history, oldest first; returns when the broker has them. Call before any other
     * producer writes newer events, or the history would arrive behind the watermark.
     */
    public int sendHistory() {
        Instant from = start.minus(HISTORY);
        WireCodec<ConsentEvent> consents = WireCodec.of(ConsentEvent.class);
        for (int n = 0; n < VocSurveys.PANEL; n++) {
            ConsentEvent c = ConsentEvent.newBuilder()
                    .setEventId("voc-consent-" + n)
                    .setCustomerId(VocSurveys.customerId(n))
                    .setEventTime(from.minusSeconds(60))
                    .setAction(ConsentAction.OPT_OUT)
                    .setPurpose(ConsentPurpose.ALL)
                    .build();
            producer.send(new ProducerRecord<>(
                    consentsTopic,
                    null,
                    c.getEventTime().toEpochMilli(),
                    c.getCustomerId(),
                    consents.encode(c, WireFormat.AVRO)));
        }
        List<FeedbackEvent> history = surveys.between(from, start, HISTORY_PER_HOUR, HISTORY_BATCHES);
        history.forEach(this::send);
        producer.flush();
        LOG.info(
                "Sent {} opt-outs and {} survey answers of history ({} before now)",
                VocSurveys.PANEL,
                history.size(),
                HISTORY);
        return history.size();
    }

    /** Live answers, one batch a second, until closed. */
    @Override
    public void run() {
        try {
            Instant last = start;
            while (running) {
                Thread.sleep(1000); // pacing the live answers at one batch a second
                Instant now = Instant.now();
                surveys.between(last, now, livePerHour).forEach(this::send);
                last = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("VoC survey load stopped", e);
        }
    }

    private void send(FeedbackEvent e) {
        producer.send(new ProducerRecord<>(
                topic, null, e.getEventTime().toEpochMilli(), e.getCustomerId(), codec.encode(e, WireFormat.AVRO)));
        sent.incrementAndGet();
    }

    public long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(5));
    }
}

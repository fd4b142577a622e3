package io.cxstream.generator;

import io.cxstream.avro.Channel;
import io.cxstream.avro.FeedbackAction;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.OutreachFeedback;
import io.cxstream.avro.OutreachStatus;
import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's contact center and its customers: reads the contact-center outreach and the lifecycle's updates,
 * and, by an {@link AgentPlan} per outreach, acks and closes it on the feedback topic after a delay or leaves it
 * unanswered; customers sometimes recover afterwards (an NPS 9 on the feedback input), held-out ones too, less
 * often. Runs until closed.
 */
public final class ContactCenterAgent implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContactCenterAgent.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final String outreachTopic;
    private final String updatesTopic;
    private final String ackTopic;
    private final String surveyTopic;
    private final AgentPlan.Shares shares;
    private final Random random = new Random(12);
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "contact-center-agent");
        t.setDaemon(true);
        return t;
    });
    private final WireCodec<OutreachEvent> outreach = WireCodec.of(OutreachEvent.class);
    private final WireCodec<OutreachUpdate> updates = WireCodec.of(OutreachUpdate.class);
    private final WireCodec<OutreachFeedback> acks = WireCodec.of(OutreachFeedback.class);
    private final WireCodec<FeedbackEvent> answers = WireCodec.of(FeedbackEvent.class);
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param ackTopic    topic.outreach.feedback
     * @param surveyTopic topic.feedback (the customers' answers)
     */
    public ContactCenterAgent(
            String bootstrapServers,
            String outreachTopic,
            String updatesTopic,
            String ackTopic,
            String surveyTopic,
            AgentPlan.Shares shares) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "cx-demo-contact-center");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(c);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.outreachTopic = outreachTopic;
        this.updatesTopic = updatesTopic;
        this.ackTopic = ackTopic;
        this.surveyTopic = surveyTopic;
        this.shares = shares;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(outreachTopic, updatesTopic));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.topic().equals(outreachTopic)) {
                            onOutreach(outreach.decode(r.value()));
                        } else {
                            onUpdate(updates.decode(r.value()));
                        }
                    } catch (WireFormatException e) {
                        LOG.warn("Undecodable record on {}: {}", r.topic(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void onOutreach(OutreachEvent o) {
        AgentPlan plan = AgentPlan.sent(random, shares);
        String customer = o.getCustomerId();
        if (plan.ackAfter == null) {
            unanswered.incrementAndGet();
        } else {
            acked.incrementAndGet();
            later.schedule(
                    () -> ack(customer, o.getOutreachId(), FeedbackAction.ACK),
                    plan.ackAfter.toMillis(),
                    TimeUnit.MILLISECONDS);
            later.schedule(
                    () -> ack(customer, o.getOutreachId(), FeedbackAction.CLOSE),
                    plan.closeAfter.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        recoverLater(customer, plan);
    }

    private void onUpdate(OutreachUpdate u) {
        if (u.getStatus() == OutreachStatus.HELD_OUT && u.getRecovery() == null) {
            recoverLater(u.getCustomerId(), AgentPlan.heldOut(random, shares));
        }
    }

    private void recoverLater(String customer, AgentPlan plan) {
        if (plan.recoverAfter != null) {
            later.schedule(() -> answer(customer), plan.recoverAfter.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void ack(String customer, String outreachId, FeedbackAction action) {
        OutreachFeedback f = OutreachFeedback.newBuilder()
                .setOutreachId(outreachId)
                .setCustomerId(customer)
                .setAction(action)
                .setHandledBy("agent-" + (1 + Math.floorMod(outreachId.hashCode(), 12)))
                .setOutcomeCode(action == FeedbackAction.CLOSE ? "CALLED_BACK" : null)
                .setEventTime(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(ackTopic, customer, acks.encode(f, WireFormat.AVRO)));
    }

    private void answer(String customer) {
        Instant now = Instant.now();
        FeedbackEvent e = FeedbackEvent.newBuilder()
                .setEventId("recovered-" + customer + "-" + now.toEpochMilli())
                .setCustomerId(customer)
                .setEventTime(now)
                .setChannel(Channel.EMAIL)
                .setTouchpoint("support")
                .setMetric(FeedbackMetric.NPS)
                .setScore(9)
                .setSurveyId("follow-up")
                .build();
        producer.send(new ProducerRecord<>(
                surveyTopic, null, now.toEpochMilli(), customer, answers.encode(e, WireFormat.AVRO)));
    }

    /** One line for the demo's summary. */
    public String summary() {
        return String.format("contact center: acked %d, left unanswered %d", acked.get(), unanswered.get());
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        later.shutdownNow();
        producer.close(Duration.ofSeconds(2));
    }
}

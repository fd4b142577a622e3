package io.cxstream.bench;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.generator.TopicNames;
import io.cxstream.kafka.EmbeddedKafkaBroker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The limit phase: preloads {@code --events} events into the input topics as fast as the generator can, then reads
 * them back with a plain {@link KafkaConsumer} and decodes each with {@link WireCodec}: the rate nothing built on this
 * broker and these records can beat (no Flink). The preloaded backlog is what the throughput phase drains.
 */
final class LimitPhase {
    private final BenchMain bench;
    private final EmbeddedKafkaBroker broker;
    private final BenchOptions options;

    LimitPhase(BenchMain bench, EmbeddedKafkaBroker broker) {
        this.bench = bench;
        this.broker = broker;
        this.options = bench.options();
    }

    Map<String, Object> run() throws Exception {
        TopicNames topics = TopicNames.DEFAULT;
        broker.createTopics(options.backlogPartitions(), topics.interactions(), topics.feedback(), topics.consents());
        bench.log(
                "limit: preloading %,d events (%,d customers) as fast as possible ...",
                options.events(), options.customers());
        long t0 = System.nanoTime();
        BenchMain.Preloaded preloaded = bench.preload(broker, topics, options.events(), options.customers());
        long sent = preloaded.sent();
        long failed = preloaded.failed();
        double preloadSeconds = BenchMain.seconds(t0);
        bench.log(
                "limit: preloaded %,d events in %.1f s (%,.0f events/s), %d failed",
                sent, preloadSeconds, sent / preloadSeconds, failed);

        WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);
        WireCodec<FeedbackEvent> feedback = WireCodec.of(FeedbackEvent.class);
        WireCodec<ConsentEvent> consents = WireCodec.of(ConsentEvent.class);
        long read = 0;
        long total;
        long t1;
        try (KafkaConsumer<byte[], byte[]> consumer = BenchJobs.consumer(broker, null)) {
            List<TopicPartition> partitions = BenchJobs.partitions(
                    consumer, List.of(topics.interactions(), topics.feedback(), topics.consents()));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            total = consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            bench.log("limit: reading and decoding %,d records with a plain KafkaConsumer ...", total);
            t1 = System.nanoTime();
            long lastLog = t1;
            while (read < total) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String topic = r.topic();
                    if (topic.equals(topics.interactions())) {
                        interactions.decode(r.value());
                    } else if (topic.equals(topics.feedback())) {
                        feedback.decode(r.value());
                    } else {
                        consents.decode(r.value());
                    }
                    read++;
                }
                if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(2)) {
                    lastLog = System.nanoTime();
                    bench.log("limit: read %,d of %,d (%,.0f events/s)", read, total, read / BenchMain.seconds(t1));
                }
                if (BenchMain.seconds(t1) > options.throughputTimeout().toSeconds()) {
                    throw new IllegalStateException("limit: read only " + read + " of " + total + " records");
                }
            }
        }
        double readSeconds = BenchMain.seconds(t1);
        double rate = read / readSeconds;
        bench.log("limit: read + decoded %,d events in %.2f s = %,.0f events/s", read, readSeconds, rate);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", total);
        m.put("preload_s", BenchMain.round(preloadSeconds, 2));
        m.put("preload_events_per_s", Math.round(sent / preloadSeconds));
        m.put("preload_failed", failed);
        m.put("read_decode_s", BenchMain.round(readSeconds, 3));
        m.put("read_decode_events_per_s", Math.round(rate));
        return m;
    }
}

package io.cxstream.testing;

import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;
import io.cxstream.avro.wire.WireFormatException;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/** Plain Kafka clients for tests: produce raw or encoded records, read a topic until a condition holds. */
public final class TestKafkaClient implements AutoCloseable {
    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;

    public TestKafkaClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(p);
    }

    public void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    @SuppressWarnings("unchecked")
    public <T extends SpecificRecordBase> void send(String topic, String key, T record, WireFormat format) {
        WireCodec<T> codec = WireCodec.of((Class<T>) record.getClass());
        send(topic, key, codec.encode(record, format));
    }

    /** To one partition, whatever the key: for tests that need records of several customers in one partition. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecordBase> void send(
            String topic, int partition, String key, T record, WireFormat format) {
        byte[] value = WireCodec.of((Class<T>) record.getClass()).encode(record, format);
        try {
            producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + "/" + partition + " failed", e);
        }
    }

    /**
     * Reads {@code topic} from the beginning (read_committed) until {@code done} holds for the
     * decoded records seen so far, or the deadline passes; returns what was seen.
     */
    public <T extends SpecificRecordBase> List<T> readUntil(
            String topic, Class<T> type, Duration timeout, Predicate<List<T>> done) {
        WireCodec<T> codec = WireCodec.of(type);
        List<T> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(seen)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        seen.add(codec.decode(r.value()));
                    } catch (WireFormatException e) {
                        throw new AssertionError("undecodable record on " + topic + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        return seen;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

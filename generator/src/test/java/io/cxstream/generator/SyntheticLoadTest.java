package io.cxstream.generator;

import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load loop against Kafka's MockProducer and fake clocks: no broker, no real waiting. */
class SyntheticLoadTest {
    private static final TopicNames TOPICS = new TopicNames("t.interactions", "t.feedback", "t.consents");
    private static final long WALL_START_MILLIS = 1_764_000_000_000L;
    private static final Duration TEST_DEADLINE = Duration.ofSeconds(30);

    private final FakeClock clock = new FakeClock();
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    @AfterEach
    void clearInterruptFlag() {
        Thread.interrupted();
    }

    @Test
    void sendsEveryEventToTheTopicOfItsKindKeyedByCustomerWithTheWallClockAsEventTime() throws Exception {
        SyntheticLoadConfig config =
                config().eventsPerSecond(0).maxEvents(2_000).build();
        SyntheticLoad load = load(config, producer);

        load.run();

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).hasSize(2_000);
        assertThat(load.sent()).isEqualTo(2_000);
        assertThat(clock.waits).as("unpaced: never waits").isZero();
        for (ProducerRecord<String, byte[]> record : sent) {
            SpecificRecordBase value = decode(record.topic(), record.value());
            assertThat(record.value()[0]).isEqualTo(WireCodec.MARKER_0);
            assertThat(value.get("customerId")).isEqualTo(record.key());
            assertThat(value.get("eventTime")).isEqualTo(Instant.ofEpochMilli(record.timestamp()));
            assertThat(record.timestamp()).isEqualTo(WALL_START_MILLIS);
        }
        Map<EventKind, Long> byKind = load.sentByKind();
        for (EventKind kind : EventKind.values()) {
            assertThat(sent.stream()
                            .filter(r -> r.topic().equals(TOPICS.forKind(kind)))
                            .count())
                    .as(kind.name())
                    .isEqualTo(byKind.get(kind))
                    .isPositive();
        }
        assertThat(load.sentByPersona().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(2_000);
        assertThat(load.failed()).isZero();
    }

    @Test
    void jsonFormatSendsAvroJson() throws Exception {
        SyntheticLoad load = load(
                config().eventsPerSecond(0)
                        .maxEvents(300)
                        .format(WireFormat.JSON)
                        .build(),
                producer);

        load.run();

        assertThat(producer.history()).hasSize(300).allSatisfy(r -> {
            assertThat(r.value()[0]).isEqualTo((byte) '{');
            assertThat(decode(r.topic(), r.value()).get("customerId")).isEqualTo(r.key());
        });
    }

    @Test
    void sendsAtTheTargetRateForTheDurationOnTheFakeClock() {
        SyntheticLoad load = load(
                config().eventsPerSecond(100).duration(Duration.ofSeconds(2)).build(), producer);

        load.run();

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).hasSize(200);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(sent.get(i).timestamp()).as("event %d", i).isEqualTo(WALL_START_MILLIS + 10L * i);
        }
        assertThat(clock.nanos).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void theSameSeedSendsTheSameEvents() {
        MockProducer<String, byte[]> other =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        SyntheticLoadConfig config = config().eventsPerSecond(0).maxEvents(500).build();

        load(config, producer).run();
        new SyntheticLoad(config, other, new FakeClock(), new FakeClock(), nanos -> {}).run();

        assertThat(other.history()).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(other.history().get(i).value())
                    .isEqualTo(producer.history().get(i).value());
        }
    }

    @Test
    void closeFromAnotherThreadStopsTheLoopAndClosesTheProducer() throws Exception {
        SyntheticLoad load = new SyntheticLoad(
                config().eventsPerSecond(0).build(), producer, InstantSource.system(), System::nanoTime, nanos -> {});
        Thread runner = new Thread(load, "synthetic-load-test");
        runner.start();
        long deadline = System.nanoTime() + TEST_DEADLINE.toNanos();
        while (load.sent() < 1_000 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        load.close();

        assertThat(load.awaitFinished(Duration.ZERO))
                .as("close() returns after the loop stopped")
                .isTrue();
        runner.join(TEST_DEADLINE.toMillis());
        assertThat(runner.isAlive()).isFalse();
        assertThat(producer.closed()).isTrue();
        long sent = load.sent();
        assertThat(sent)
                .isGreaterThanOrEqualTo(1_000)
                .isEqualTo(producer.history().size());
    }

    @Test
    void closeWhileWaitingForTheNextSlotStopsAtOnce() {
        SyntheticLoad[] self = new SyntheticLoad[1];
        SyntheticLoad load = new SyntheticLoad(config().eventsPerSecond(1).build(), producer, clock, clock, nanos -> {
            clock.await(nanos);
            if (clock.waits == 3) {
                self[0].close(); // on the loop's own thread: must not wait for itself
            }
        });
        self[0] = load;

        load.run();

        assertThat(producer.closed()).isTrue();
        assertThat(load.sent()).isEqualTo(1);
    }

    @Test
    void closeIsIdempotentAndARunAfterCloseSendsNothing() {
        SyntheticLoad load = load(config().build(), producer);

        load.close();
        load.close();
        load.run();

        assertThat(producer.closed()).isTrue();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void runsOnlyOnce() {
        SyntheticLoad load = load(config().eventsPerSecond(0).maxEvents(10).build(), producer);
        load.run();

        assertThatThrownBy(load::run).isInstanceOf(IllegalStateException.class);
        assertThat(producer.history()).hasSize(10);
    }

    @Test
    void anInterruptStopsTheLoop() {
        SyntheticLoad load = load(config().eventsPerSecond(0).build(), producer);
        Thread.currentThread().interrupt();

        load.run();

        assertThat(load.sent()).isZero();
        assertThat(Thread.currentThread().isInterrupted())
                .as("the interrupt is kept")
                .isTrue();
    }

    @Test
    void failedWritesAreCountedNotThrown() {
        MockProducer<String, byte[]> failing =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<String, byte[]> record, Callback callback) {
                        TimeoutException error = new TimeoutException("broker unreachable");
                        callback.onCompletion(null, error);
                        return CompletableFuture.failedFuture(error);
                    }
                };
        SyntheticLoad load = load(config().eventsPerSecond(0).maxEvents(50).build(), failing);

        load.run();

        assertThat(load.sent()).isEqualTo(50);
        assertThat(load.failed()).isEqualTo(50);
    }

    @Test
    void aProducerThatThrowsEndsTheRunWithItsException() {
        MockProducer<String, byte[]> broken =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<String, byte[]> record, Callback callback) {
                        throw new KafkaException("fatal");
                    }
                };
        SyntheticLoad load = load(config().eventsPerSecond(0).maxEvents(50).build(), broken);

        assertThatThrownBy(load::run).isInstanceOf(KafkaException.class).hasMessage("fatal");
        assertThat(load.sent()).isZero();
    }

    @Test
    void producerPropertiesAreTunedForThroughputAndOverridesWin() {
        SyntheticLoadConfig config = config().producerProperty("acks", "1")
                .producerProperty("security.protocol", "SASL_SSL")
                .build();

        var props = SyntheticLoad.producerProperties(config);

        assertThat(props)
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("linger.ms", "5")
                .containsEntry("batch.size", "65536")
                .containsEntry("compression.type", "lz4")
                .containsEntry("key.serializer", StringSerializer.class.getName())
                .containsEntry("value.serializer", ByteArraySerializer.class.getName())
                .containsEntry("acks", "1")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static SyntheticLoadConfig.Builder config() {
        return SyntheticLoadConfig.builder("broker:9092").topics(TOPICS);
    }

    private SyntheticLoad load(SyntheticLoadConfig config, MockProducer<String, byte[]> producer) {
        return new SyntheticLoad(config, producer, clock, clock, clock::await);
    }

    private static SpecificRecordBase decode(String topic, byte[] value) throws Exception {
        if (topic.equals(TOPICS.interactions())) {
            return WireCodec.of(InteractionEvent.class).decode(value);
        }
        if (topic.equals(TOPICS.feedback())) {
            return WireCodec.of(FeedbackEvent.class).decode(value);
        }
        assertThat(topic).isEqualTo(TOPICS.consents());
        return WireCodec.of(ConsentEvent.class).decode(value);
    }

    /** A monotonic clock and a wall clock that only move when the load waits. */
    static final class FakeClock implements InstantSource, LongSupplier {
        long nanos;
        int waits;

        void await(long duration) {
            nanos += duration;
            waits++;
        }

        @Override
        public long getAsLong() {
            return nanos;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(WALL_START_MILLIS).plusNanos(nanos);
        }
    }
}

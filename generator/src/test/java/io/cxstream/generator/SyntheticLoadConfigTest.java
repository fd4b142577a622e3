package io.cxstream.generator;

import io.cxstream.avro.wire.WireFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticLoadConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SyntheticLoadConfig config =
                SyntheticLoadConfig.builder("localhost:9092").build();

        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.topics()).isEqualTo(new TopicNames("cx.interactions", "cx.feedback", "cx.consents"));
        assertThat(config.eventsPerSecond()).isEqualTo(1_000);
        assertThat(config.paced()).isTrue();
        assertThat(config.duration()).isNull();
        assertThat(config.maxEvents()).isZero();
        assertThat(config.format()).isEqualTo(WireFormat.AVRO);
        assertThat(config.producerOverrides()).isEmpty();
        assertThat(config.progressInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxCatchUp()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.simulator()).isEqualTo(SimulatorConfig.defaults());
    }

    @Test
    void zeroOrNegativeRateMeansUnpaced() {
        assertThat(SyntheticLoadConfig.builder("b:1").eventsPerSecond(0).build().paced())
                .isFalse();
        assertThat(SyntheticLoadConfig.builder("b:1")
                        .eventsPerSecond(-5)
                        .build()
                        .paced())
                .isFalse();
    }

    @Test
    void producerPropertiesAreCopiedAsStrings() {
        Properties security = new Properties();
        security.setProperty("security.protocol", "SSL");
        security.setProperty("ssl.truststore.location", "/etc/kafka/truststore.jks");

        SyntheticLoadConfig config =
                SyntheticLoadConfig.builder("b:1").producerProperties(security).build();
        security.setProperty("security.protocol", "PLAINTEXT");

        assertThat(config.producerOverrides())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks");
        assertThatThrownBy(() -> config.producerOverrides().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("bootstrapServers", b -> SyntheticLoadConfig.builder(" ")),
                bad("bootstrapServers", b -> SyntheticLoadConfig.builder(null)),
                bad("topics", b -> b.topics(null)),
                bad("eventsPerSecond", b -> b.eventsPerSecond(Double.NaN)),
                bad("eventsPerSecond", b -> b.eventsPerSecond(Double.POSITIVE_INFINITY)),
                bad("duration", b -> b.duration(Duration.ZERO)),
                bad("duration", b -> b.duration(Duration.ofSeconds(-1))),
                bad("maxEvents", b -> b.maxEvents(-1)),
                bad("format", b -> b.format(null)),
                bad("progressInterval", b -> b.progressInterval(Duration.ZERO)),
                bad("maxCatchUp", b -> b.maxCatchUp(Duration.ofMillis(-1))),
                bad("simulator", b -> b.simulator(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidValuesAreRefusedNamingTheField(String field, UnaryOperator<SyntheticLoadConfig.Builder> change) {
        assertThatThrownBy(() -> change.apply(SyntheticLoadConfig.builder("localhost:9092"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SyntheticLoadConfig." + field + " ");
    }

    @Test
    void blankTopicNamesAreRefusedNamingTheTopic() {
        assertThatThrownBy(() -> new TopicNames("a", "", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TopicNames.feedback ");
    }

    @Test
    void eachKindHasItsTopic() {
        TopicNames topics = new TopicNames("i", "f", "c");

        assertThat(topics.forKind(EventKind.INTERACTION)).isEqualTo("i");
        assertThat(topics.forKind(EventKind.FEEDBACK)).isEqualTo("f");
        assertThat(topics.forKind(EventKind.CONSENT)).isEqualTo("c");
    }

    private static Arguments bad(String field, UnaryOperator<SyntheticLoadConfig.Builder> change) {
        return Arguments.of(field, change);
    }
}

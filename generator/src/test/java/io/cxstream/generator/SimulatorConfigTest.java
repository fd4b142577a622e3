package io.cxstream.generator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimulatorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SimulatorConfig config = SimulatorConfig.defaults();

        assertThat(config.seed()).isEqualTo(SimulatorConfig.DEFAULT_SEED);
        assertThat(config.customers()).isEqualTo(100_000);
        assertThat(config.inFlightJourneys()).isEqualTo(1_000);
        assertThat(config.marketingOptInShare()).isEqualTo(0.70);
        assertThat(config.optOutShare()).isEqualTo(0.05);
        assertThat(config.eraseShare()).isZero();
        assertThat(config.personaMix()).containsOnlyKeys(Persona.values());
        double sum = 0;
        for (Persona p : Persona.values()) {
            sum += config.share(p);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void builderSetsEveryField() {
        SimulatorConfig config = SimulatorConfig.builder()
                .seed(-3)
                .customers(10_000_000)
                .inFlightJourneys(50)
                .personaWeight(Persona.PROMOTER, 5)
                .marketingOptInShare(1)
                .optOutShare(0.5)
                .eraseShare(0.01)
                .build();

        assertThat(config.seed()).isEqualTo(-3);
        assertThat(config.customers()).isEqualTo(10_000_000);
        assertThat(config.inFlightJourneys()).isEqualTo(50);
        assertThat(config.personaMix()).containsEntry(Persona.PROMOTER, 5.0).containsEntry(Persona.HAPPY_BUYER, 0.50);
        assertThat(config.marketingOptInShare()).isEqualTo(1);
        assertThat(config.optOutShare()).isEqualTo(0.5);
        assertThat(config.eraseShare()).isEqualTo(0.01);
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void onlyPersonaGivesItTheWholeShare() {
        SimulatorConfig config =
                SimulatorConfig.builder().onlyPersona(Persona.DETRACTOR).build();

        assertThat(config.share(Persona.DETRACTOR)).isEqualTo(1.0);
        assertThat(config.share(Persona.HAPPY_BUYER)).isZero();
    }

    @Test
    void theMixCannotBeChangedFromOutside() {
        Map<Persona, Double> mix = new HashMap<>(Map.of(Persona.PROMOTER, 1.0));
        SimulatorConfig config = SimulatorConfig.builder().personaMix(mix).build();
        mix.put(Persona.DETRACTOR, 1.0);

        assertThat(config.personaMix()).containsOnlyKeys(Persona.PROMOTER);
        assertThatThrownBy(() -> config.personaMix().put(Persona.DETRACTOR, 1.0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("customers", b -> b.customers(0)),
                bad("inFlightJourneys", b -> b.inFlightJourneys(0)),
                bad("inFlightJourneys", b -> b.inFlightJourneys(SimulatorConfig.MAX_IN_FLIGHT_JOURNEYS + 1)),
                bad("personaMix", b -> b.personaMix(null)),
                bad("personaMix", b -> b.personaMix(Map.of())),
                bad("personaMix", b -> b.personaMix(Map.of(Persona.PROMOTER, 0.0))),
                bad("personaMix.DETRACTOR", b -> b.personaWeight(Persona.DETRACTOR, -1)),
                bad("personaMix.DETRACTOR", b -> b.personaWeight(Persona.DETRACTOR, Double.NaN)),
                bad("marketingOptInShare", b -> b.marketingOptInShare(1.01)),
                bad("optOutShare", b -> b.optOutShare(-0.1)),
                bad("eraseShare", b -> b.eraseShare(Double.NaN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidValuesAreRefusedNamingTheField(String field, UnaryOperator<SimulatorConfig.Builder> change) {
        assertThatThrownBy(() -> change.apply(SimulatorConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SimulatorConfig." + field + " ");
    }

    private static Arguments bad(String field, UnaryOperator<SimulatorConfig.Builder> change) {
        return Arguments.of(field, change);
    }
}

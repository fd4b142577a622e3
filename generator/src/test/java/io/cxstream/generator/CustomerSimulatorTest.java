package io.cxstream.generator;

import io.cxstream.avro.Channel;
import io.cxstream.avro.ConsentAction;
import io.cxstream.avro.ConsentEvent;
import io.cxstream.avro.ConsentPurpose;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormat;

import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.cxstream.generator.Recording.interactions;
import static io.cxstream.generator.Recording.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CustomerSimulatorTest {
    private static final int EVENTS = 100_000;
    /** Absolute tolerance on a share measured over thousands of journeys (several standard errors). */
    private static final double SHARE_TOLERANCE = 0.02;

    private static final Pattern CUSTOMER_ID = Pattern.compile("c-\\d{7,}");
    private static final Set<Channel> CONTACT_CHANNELS = Set.of(Channel.CALL_CENTER, Channel.CHAT);

    /** One shared recording of the default configuration: generated once, read by many tests. */
    private static Recording defaults;

    @BeforeAll
    static void record() {
        defaults = Recording.of(SimulatorConfig.defaults(), EVENTS);
    }

    // ---- determinism ------------------------------------------------------------------------------

    @Test
    void sameSeedGivesTheSameEventsByteForByte() {
        SimulatorConfig config = SimulatorConfig.builder().seed(7).build();
        CustomerSimulator a = new CustomerSimulator(config);
        CustomerSimulator b = new CustomerSimulator(config);
        WireCodec<InteractionEvent> interactions = WireCodec.of(InteractionEvent.class);

        for (int i = 0; i < 20_000; i++) {
            SimulatedEvent x = a.next(Recording.START_MILLIS + i);
            SimulatedEvent y = b.next(Recording.START_MILLIS + i);
            assertThat(x).as("event %d", i).isEqualTo(y);
            if (x.kind() == EventKind.INTERACTION) {
                assertThat(interactions.encode(x.interaction(), WireFormat.AVRO))
                        .isEqualTo(interactions.encode(y.interaction(), WireFormat.AVRO));
            }
        }
    }

    @Test
    void aCustomerPoolKeepsEveryJourneyToItsCustomers() {
        // every 3rd of 30,000 ids: a simulator over the whole space would use the others two times in three
        long[] pool = new long[10_000];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = 3L * i;
        }
        SimulatorConfig config = SimulatorConfig.builder()
                .seed(11)
                .customers(30_000)
                .customerPool(pool)
                .build();
        CustomerSimulator sim = new CustomerSimulator(config);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            String id = sim.next(Recording.START_MILLIS + i).customerId();
            assertThat(Long.parseLong(id.substring(2)) % 3).as(id).isZero();
            seen.add(id);
        }
        assertThat(seen).hasSizeGreaterThan(2_000); // spread over the pool, not a few customers
        // without a pool the same seed reaches ids outside it
        CustomerSimulator whole =
                new CustomerSimulator(config.toBuilder().customerPool(null).build());
        boolean outside = false;
        for (int i = 0; i < 5_000 && !outside; i++) {
            outside = Long.parseLong(whole.next(Recording.START_MILLIS + i)
                                    .customerId()
                                    .substring(2))
                            % 3
                    != 0;
        }
        assertThat(outside).isTrue();
    }

    @Test
    void aCustomerPoolMustFitTheIdSpaceAndOutnumberTheJourneysInFlight() {
        assertThatThrownBy(() -> SimulatorConfig.builder()
                        .customers(100)
                        .inFlightJourneys(5)
                        .customerPool(new long[] {1, 2, 3, 4, 5, 100})
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("customerPool");
        assertThatThrownBy(() -> SimulatorConfig.builder()
                        .customers(100)
                        .inFlightJourneys(5)
                        .customerPool(new long[] {1, 2, 3, 4, 5})
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("customerPool");
    }

    @Test
    void anotherSeedGivesOtherEvents() {
        CustomerSimulator a =
                new CustomerSimulator(SimulatorConfig.builder().seed(1).build());
        CustomerSimulator b =
                new CustomerSimulator(SimulatorConfig.builder().seed(2).build());
        int same = 0;
        for (int i = 0; i < 1_000; i++) {
            if (a.next(0).customerId().equals(b.next(0).customerId())) {
                same++;
            }
        }
        assertThat(same).isLessThan(10);
    }

    // ---- mix --------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Persona.class)
    void personaMixMatchesTheDefaultConfiguration(Persona persona) {
        CustomerSimulator simulator = new CustomerSimulator(SimulatorConfig.defaults());
        for (int i = 0; i < EVENTS; i++) {
            simulator.next(i);
        }
        double share = simulator.journeysByPersona().get(persona) / (double) simulator.journeysStarted();

        assertThat(simulator.journeysStarted()).isGreaterThan(EVENTS / 20);
        assertThat(share).isCloseTo(SimulatorConfig.defaults().share(persona), within(SHARE_TOLERANCE));
    }

    @Test
    void personaMixFollowsACustomConfigurationAndLeavesOutZeroWeights() {
        SimulatorConfig config = SimulatorConfig.builder()
                .personaMix(Map.of(Persona.PROMOTER, 1.0, Persona.DETRACTOR, 3.0, Persona.HAPPY_BUYER, 0.0))
                .build();
        CustomerSimulator simulator = new CustomerSimulator(config);
        Set<Persona> seen = new HashSet<>();
        for (int i = 0; i < EVENTS / 2; i++) {
            seen.add(simulator.next(i).persona());
        }

        Map<Persona, Long> started = simulator.journeysByPersona();
        assertThat(seen).containsExactlyInAnyOrder(Persona.PROMOTER, Persona.DETRACTOR);
        assertThat(started.get(Persona.DETRACTOR) / (double) simulator.journeysStarted())
                .isCloseTo(0.75, within(SHARE_TOLERANCE));
        assertThat(started.get(Persona.HAPPY_BUYER)).isZero();
    }

    @Test
    void countersAddUp() {
        CustomerSimulator simulator = new CustomerSimulator(SimulatorConfig.defaults());
        Map<Persona, Long> byPersona = new HashMap<>();
        Map<EventKind, Long> byKind = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            SimulatedEvent e = simulator.next(i);
            byPersona.merge(e.persona(), 1L, Long::sum);
            byKind.merge(e.kind(), 1L, Long::sum);
        }

        assertThat(simulator.eventsEmitted()).isEqualTo(10_000);
        assertThat(simulator.eventsByPersona()).containsAllEntriesOf(byPersona);
        assertThat(simulator.eventsByKind()).containsAllEntriesOf(byKind);
        assertThat(simulator.eventsByKind().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(10_000);
        assertThat(byKind).containsKeys(EventKind.values());
    }

    // ---- every event honours the contract ---------------------------------------------------------

    @Test
    void everyEventIsValidByTheContractAndCarriesTheGivenTime() {
        for (int i = 0; i < defaults.events.size(); i++) {
            SimulatedEvent e = defaults.events.get(i);
            Instant expectedTime = Instant.ofEpochMilli(Recording.START_MILLIS + i);
            assertThat(e.customerId()).matches(CUSTOMER_ID);
            assertThat(e.eventTime()).isEqualTo(expectedTime);
            assertThat(e.eventId()).isNotBlank();
            switch (e.kind()) {
                case INTERACTION -> assertValid(e.interaction(), e.customerId());
                case FEEDBACK -> assertValid(e.feedback(), e.customerId());
                case CONSENT -> assertValid(e.consent(), e.customerId());
            }
        }
    }

    @Test
    void eventIdsAreUnique() {
        Set<String> ids = new HashSet<>();
        defaults.events.forEach(
                e -> assertThat(ids.add(e.eventId())).as(e.eventId()).isTrue());
    }

    @Test
    void everyKindAndEveryPersonaOccurs() {
        Set<EventKind> kinds = new HashSet<>();
        Set<Persona> personas = new HashSet<>();
        defaults.events.forEach(e -> {
            kinds.add(e.kind());
            personas.add(e.persona());
        });
        assertThat(kinds).containsExactlyInAnyOrder(EventKind.values());
        assertThat(personas).containsExactlyInAnyOrder(Persona.values());
    }

    @Test
    void everyEventRoundTripsThroughTheWireCodecInBothFormats() throws Exception {
        Map<EventKind, WireCodec<? extends SpecificRecordBase>> codecs = Map.of(
                EventKind.INTERACTION, WireCodec.of(InteractionEvent.class),
                EventKind.FEEDBACK, WireCodec.of(FeedbackEvent.class),
                EventKind.CONSENT, WireCodec.of(ConsentEvent.class));
        for (SimulatedEvent e : defaults.events.subList(0, EVENTS / 10)) {
            @SuppressWarnings("unchecked")
            WireCodec<SpecificRecordBase> codec = (WireCodec<SpecificRecordBase>) codecs.get(e.kind());
            for (WireFormat format : WireFormat.values()) {
                assertThat(codec.decode(codec.encode(e.record(), format), format))
                        .isEqualTo(e.record());
            }
        }
    }

    // ---- journeys are realistic -------------------------------------------------------------------

    @Test
    void aCustomerIsInOneJourneyAtATime() {
        Map<String, Long> currentJourney = new HashMap<>();
        for (SimulatedEvent e : defaults.events) {
            Long running = currentJourney.get(e.customerId());
            assertThat(running == null || running == e.journeyId())
                    .as("%s in journey %s while %s is under way", e.customerId(), e.journeyId(), running)
                    .isTrue();
            if (e.lastOfJourney()) {
                currentJourney.remove(e.customerId());
            } else {
                currentJourney.put(e.customerId(), e.journeyId());
            }
        }
    }

    @Test
    void paymentFrictionFailsTwiceWithoutAnOrderInBetween() {
        List<List<SimulatedEvent>> journeys = defaults.journeysOf(Persona.PAYMENT_FRICTION);
        assertThat(journeys).hasSizeGreaterThan(100);
        int recovered = 0;
        for (List<SimulatedEvent> journey : journeys) {
            List<InteractionType> types = types(journey);
            int firstFailure = types.indexOf(InteractionType.PAYMENT_FAILED);
            int lastFailure = types.lastIndexOf(InteractionType.PAYMENT_FAILED);
            assertThat(types.stream()
                            .filter(InteractionType.PAYMENT_FAILED::equals)
                            .count())
                    .isBetween(2L, 3L);
            assertThat(types.indexOf(InteractionType.CHECKOUT_START)).isBetween(0, firstFailure - 1);
            assertThat(types.subList(firstFailure, lastFailure + 1)).doesNotContain(InteractionType.ORDER_PLACED);
            assertThat(interactions(journey).get(firstFailure).getAttributes())
                    .containsKeys(Vocabulary.ATTR_ERROR_CODE, Vocabulary.ATTR_AMOUNT);
            if (types.contains(InteractionType.ORDER_PLACED)) {
                assertThat(types.indexOf(InteractionType.ORDER_PLACED)).isGreaterThan(lastFailure);
                recovered++;
            }
        }
        assertThat(recovered / (double) journeys.size()).isCloseTo(JourneyPlanner.PAYMENT_RECOVERY_SHARE, within(0.1));
    }

    @Test
    void errorAbandonHasACheckoutErrorAndNoOrderAfterIt() {
        List<List<SimulatedEvent>> journeys = defaults.journeysOf(Persona.ERROR_ABANDON);
        assertThat(journeys).hasSizeGreaterThan(100);
        for (List<SimulatedEvent> journey : journeys) {
            List<InteractionEvent> interactions = interactions(journey);
            int error = types(journey).indexOf(InteractionType.ERROR);
            assertThat(error).isPositive();
            InteractionEvent errorEvent = interactions.get(error);
            assertThat(errorEvent.getTouchpoint()).isEqualTo(Vocabulary.CHECKOUT);
            assertThat(errorEvent.getAttributes()).containsKey(Vocabulary.ATTR_ERROR_CODE);
            assertThat(types(journey).subList(0, error)).contains(InteractionType.CHECKOUT_START);
            assertThat(types(journey)).doesNotContain(InteractionType.ORDER_PLACED);
        }
    }

    @Test
    void repeatContactHasThreeOrMoreSupportContactsWithAgentsThenALowScore() {
        List<List<SimulatedEvent>> journeys = defaults.journeysOf(Persona.REPEAT_CONTACT);
        assertThat(journeys).hasSizeGreaterThan(100);
        for (List<SimulatedEvent> journey : journeys) {
            List<InteractionEvent> contacts = interactions(journey).stream()
                    .filter(i -> i.getType() == InteractionType.SUPPORT_CONTACT)
                    .toList();
            assertThat(contacts).hasSizeGreaterThanOrEqualTo(3);
            assertThat(contacts).allSatisfy(c -> {
                assertThat(c.getChannel()).isIn(CONTACT_CHANNELS);
                assertThat(c.getAgentId()).isNotBlank();
                assertThat(c.getSessionId()).isNotBlank();
            });
            List<InteractionType> types = types(journey);
            assertThat(types.indexOf(InteractionType.ORDER_PLACED))
                    .isLessThan(types.indexOf(InteractionType.DELIVERY))
                    .isLessThan(types.indexOf(InteractionType.SUPPORT_CONTACT));
            List<FeedbackEvent> surveys = feedback(journey);
            assertThat(surveys).isNotEmpty().allSatisfy(f -> {
                assertThat(f.getMetric()).isIn(FeedbackMetric.CSAT, FeedbackMetric.CES);
                assertThat(f.getScore())
                        .isLessThanOrEqualTo(
                                f.getMetric() == FeedbackMetric.CSAT
                                        ? JourneyPlanner.LOW_CSAT_MAX
                                        : JourneyPlanner.LOW_CES_MAX);
            });
        }
    }

    @Test
    void detractorGivesNpsZeroToSixWithACommentAfterAnOrderOrASupportContact() {
        List<List<SimulatedEvent>> journeys = defaults.journeysOf(Persona.DETRACTOR);
        assertThat(journeys).hasSizeGreaterThan(100);
        for (List<SimulatedEvent> journey : journeys) {
            FeedbackEvent nps = onlyNps(journey);
            assertThat(nps.getScore()).isBetween(0, 6);
            assertThat(nps.getComment()).isNotBlank();
            assertThat(types(journey)).containsAnyOf(InteractionType.ORDER_PLACED, InteractionType.SUPPORT_CONTACT);
        }
    }

    @Test
    void promoterGivesNpsNineOrTenWithACommentAfterAnOrder() {
        List<List<SimulatedEvent>> journeys = defaults.journeysOf(Persona.PROMOTER);
        assertThat(journeys).hasSizeGreaterThan(100);
        for (List<SimulatedEvent> journey : journeys) {
            FeedbackEvent nps = onlyNps(journey);
            assertThat(nps.getScore()).isBetween(9, 10);
            assertThat(nps.getComment()).isNotBlank();
            assertThat(types(journey)).contains(InteractionType.ORDER_PLACED, InteractionType.DELIVERY);
        }
    }

    @Test
    void happyBuyerOrdersGetsDeliveryUsesAndRatesWell() {
        List<List<SimulatedEvent>> journeys = defaults.journeysOf(Persona.HAPPY_BUYER);
        assertThat(journeys).hasSizeGreaterThan(1_000);
        int surveyed = 0;
        for (List<SimulatedEvent> journey : journeys) {
            List<InteractionType> types = types(journey);
            assertThat(types)
                    .containsSubsequence(
                            InteractionType.PRODUCT_VIEW,
                            InteractionType.CART_ADD,
                            InteractionType.CHECKOUT_START,
                            InteractionType.ORDER_PLACED,
                            InteractionType.DELIVERY,
                            InteractionType.LOGIN,
                            InteractionType.USAGE);
            assertThat(types)
                    .doesNotContain(
                            InteractionType.PAYMENT_FAILED, InteractionType.ERROR, InteractionType.SUPPORT_CONTACT);
            for (FeedbackEvent f : feedback(journey)) {
                surveyed++;
                if (f.getMetric() == FeedbackMetric.NPS) {
                    assertThat(f.getScore()).isBetween(7, 10);
                } else {
                    assertThat(f.getMetric()).isEqualTo(FeedbackMetric.CSAT);
                    assertThat(f.getScore()).isBetween(4, 5);
                }
            }
            InteractionEvent order = interactions(journey).get(types.indexOf(InteractionType.ORDER_PLACED));
            InteractionEvent delivery = interactions(journey).get(types.indexOf(InteractionType.DELIVERY));
            assertThat(order.getAttributes()).containsKeys(Vocabulary.ATTR_ORDER_ID, Vocabulary.ATTR_AMOUNT);
            assertThat(delivery.getAttributes())
                    .containsEntry(
                            Vocabulary.ATTR_ORDER_ID, order.getAttributes().get(Vocabulary.ATTR_ORDER_ID));
            assertThat(order.getAttributes().get(Vocabulary.ATTR_AMOUNT)).matches("\\d+\\.\\d\\d");
            BigDecimal cartTotal = interactions(journey).stream()
                    .filter(i -> i.getType() == InteractionType.CART_ADD)
                    .map(i -> new BigDecimal(i.getAttributes().get(Vocabulary.ATTR_AMOUNT)))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(new BigDecimal(order.getAttributes().get(Vocabulary.ATTR_AMOUNT)))
                    .isEqualTo(cartTotal);
        }
        assertThat(surveyed / (double) journeys.size()).isCloseTo(JourneyPlanner.HAPPY_SURVEY_SHARE, within(0.05));
    }

    @Test
    void shoppingInteractionsShareOneWebOrAppSession() {
        for (List<SimulatedEvent> journey : defaults.journeysOf(Persona.ERROR_ABANDON)) {
            Set<String> sessions = new HashSet<>();
            for (InteractionEvent i : interactions(journey)) {
                if (i.getChannel() == Channel.WEB || i.getChannel() == Channel.MOBILE_APP) {
                    sessions.add(i.getSessionId());
                }
            }
            assertThat(sessions).hasSize(1).doesNotContainNull();
        }
    }

    // ---- consent ----------------------------------------------------------------------------------

    @Test
    void consentsFollowTheConfiguredShares() {
        SimulatorConfig config = SimulatorConfig.defaults();
        int journeys = defaults.completedJourneys.size();
        int optIns = 0;
        int optOuts = 0;
        for (List<SimulatedEvent> journey : defaults.completedJourneys.values()) {
            List<ConsentEvent> consents = consents(journey);
            if (consents.stream().anyMatch(c -> c.getAction() == ConsentAction.OPT_IN)) {
                optIns++;
                ConsentEvent optIn = consents.get(0);
                assertThat(optIn.getPurpose()).isEqualTo(ConsentPurpose.MARKETING);
                assertThat(journey.indexOf(journey.stream()
                                .filter(e -> e.kind() == EventKind.CONSENT)
                                .findFirst()
                                .orElseThrow()))
                        .as("opt-in comes early")
                        .isEqualTo(1);
            }
            if (consents.stream().anyMatch(c -> c.getAction() == ConsentAction.OPT_OUT)) {
                optOuts++;
            }
            assertThat(consents).noneMatch(c -> c.getAction() == ConsentAction.ERASE);
            assertThat(journey.get(0).kind())
                    .as("a journey never starts with a consent")
                    .isNotEqualTo(EventKind.CONSENT);
        }
        assertThat(optIns / (double) journeys).isCloseTo(config.marketingOptInShare(), within(SHARE_TOLERANCE));
        assertThat(optOuts / (double) journeys).isCloseTo(config.optOutShare(), within(SHARE_TOLERANCE));
    }

    @Test
    void eraseComesLastWhenConfigured() {
        SimulatorConfig config = SimulatorConfig.builder()
                .eraseShare(0.5)
                .optOutShare(0)
                .marketingOptInShare(0)
                .build();

        Recording recording = Recording.of(config, 20_000);

        int erased = 0;
        for (List<SimulatedEvent> journey : recording.completedJourneys.values()) {
            List<ConsentEvent> consents = consents(journey);
            assertThat(consents).allMatch(c -> c.getAction() == ConsentAction.ERASE);
            if (!consents.isEmpty()) {
                erased++;
                assertThat(journey.get(journey.size() - 1).kind()).isEqualTo(EventKind.CONSENT);
            }
        }
        assertThat(erased / (double) recording.completedJourneys.size()).isCloseTo(0.5, within(0.05));
    }

    // ---- scale ------------------------------------------------------------------------------------

    @Test
    void tenMillionCustomersNeedNoPerCustomerMemory() {
        SimulatorConfig config = SimulatorConfig.builder()
                .customers(10_000_000)
                .inFlightJourneys(2_000)
                .build();
        CustomerSimulator simulator = new CustomerSimulator(config);
        Set<String> customers = new HashSet<>();
        int maxInFlight = 0;

        for (int i = 0; i < 200_000; i++) {
            SimulatedEvent e = simulator.next(i);
            customers.add(e.customerId());
            maxInFlight = Math.max(maxInFlight, simulator.journeysInFlight());
        }

        assertThat(maxInFlight).isLessThanOrEqualTo(config.inFlightJourneys());
        assertThat(customers).hasSizeGreaterThan(15_000);
        assertThat(customers).allSatisfy(id -> {
            assertThat(id).matches("c-\\d{7}");
            assertThat(Long.parseLong(id.substring(2))).isLessThan(config.customers());
        });
    }

    @Test
    void anIdSpaceBeyondMemoryIsFine() {
        CustomerSimulator simulator = new CustomerSimulator(
                SimulatorConfig.builder().customers(Long.MAX_VALUE).build());

        assertThat(simulator.next(0).customerId()).matches(CUSTOMER_ID);
    }

    @Test
    void fewerCustomersThanJourneySlotsStillKeepsOneJourneyPerCustomer() {
        SimulatorConfig config =
                SimulatorConfig.builder().customers(5).inFlightJourneys(100).build();

        Recording recording = Recording.of(config, 2_000);

        assertThat(recording.events)
                .extracting(SimulatedEvent::customerId)
                .containsOnly("c-0000000", "c-0000001", "c-0000002", "c-0000003", "c-0000004");
    }

    @Test
    void customerIdsArePaddedToSevenDigits() {
        assertThat(CustomerSimulator.customerId(42)).isEqualTo("c-0000042");
        assertThat(CustomerSimulator.customerId(9_999_999)).isEqualTo("c-9999999");
        assertThat(CustomerSimulator.customerId(12_345_678)).isEqualTo("c-12345678");
        assertThatThrownBy(() -> CustomerSimulator.customerId(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static void assertValid(InteractionEvent e, String customerId) {
        assertThat(e.getCustomerId()).isEqualTo(customerId);
        assertThat(e.getChannel()).isNotNull().isNotEqualTo(Channel.UNKNOWN);
        assertThat(e.getType()).isNotNull().isNotEqualTo(InteractionType.UNKNOWN);
        assertThat(e.getTouchpoint()).isNotBlank();
        assertThat(e.getAttributes()).isNotNull();
        if (CONTACT_CHANNELS.contains(e.getChannel()) && e.getType() == InteractionType.SUPPORT_CONTACT) {
            assertThat(e.getAgentId()).isNotBlank();
        }
    }

    private static void assertValid(FeedbackEvent e, String customerId) {
        assertThat(e.getCustomerId()).isEqualTo(customerId);
        assertThat(e.getChannel()).isNotNull().isNotEqualTo(Channel.UNKNOWN);
        assertThat(e.getTouchpoint()).isNotBlank();
        assertThat(e.getSurveyId()).isNotBlank();
        switch (e.getMetric()) {
            case NPS -> assertThat(e.getScore()).isBetween(0, 10);
            case CSAT -> assertThat(e.getScore()).isBetween(1, 5);
            case CES -> assertThat(e.getScore()).isBetween(1, 7);
            default -> throw new AssertionError("metric " + e.getMetric());
        }
    }

    private static void assertValid(ConsentEvent e, String customerId) {
        assertThat(e.getCustomerId()).isEqualTo(customerId);
        assertThat(e.getAction()).isNotNull().isNotEqualTo(ConsentAction.UNKNOWN);
        assertThat(e.getPurpose()).isNotNull().isNotEqualTo(ConsentPurpose.UNKNOWN);
        assertThat(e.getChannel()).isNotNull().isNotEqualTo(Channel.UNKNOWN);
    }

    private static List<FeedbackEvent> feedback(List<SimulatedEvent> journey) {
        return journey.stream()
                .filter(e -> e.kind() == EventKind.FEEDBACK)
                .map(SimulatedEvent::feedback)
                .toList();
    }

    private static List<ConsentEvent> consents(List<SimulatedEvent> journey) {
        return journey.stream()
                .filter(e -> e.kind() == EventKind.CONSENT)
                .map(SimulatedEvent::consent)
                .toList();
    }

    private static FeedbackEvent onlyNps(List<SimulatedEvent> journey) {
        List<FeedbackEvent> nps = feedback(journey).stream()
                .filter(f -> f.getMetric() == FeedbackMetric.NPS)
                .toList();
        assertThat(nps).hasSize(1);
        return nps.get(0);
    }
}

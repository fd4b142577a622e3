package io.cxstream.io;

import io.cxstream.avro.DeadLetterReason;
import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.InteractionEvent;
import io.cxstream.avro.InteractionType;
import io.cxstream.config.CxConfig;
import io.cxstream.testing.Events;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The size bounds of the input contract: every free-form field is capped at the entry. */
class EventValidatorTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final int MAX_ATTRIBUTES = 4;
    private static final int MAX_ATTRIBUTE_LENGTH = 20;
    private static final int MAX_COMMENT_LENGTH = 10;

    private final EventValidator validator = new EventValidator(
            Duration.ofMinutes(10).toMillis(),
            Duration.ofDays(30).toMillis(),
            MAX_ATTRIBUTES,
            MAX_ATTRIBUTE_LENGTH,
            MAX_COMMENT_LENGTH);

    private static InteractionEvent interaction() {
        return Events.interaction("c", NOW, InteractionType.PAGE_VIEW, "home");
    }

    private static FeedbackEvent feedback() {
        return Events.feedback("c", NOW, FeedbackMetric.NPS, 3);
    }

    private DeadLetterReason reason(InteractionEvent e) {
        return catchThrowableOfType(InvalidEventException.class, () -> validator.validate(e, NOW))
                .reason();
    }

    private DeadLetterReason reason(FeedbackEvent e) {
        return catchThrowableOfType(InvalidEventException.class, () -> validator.validate(e, NOW))
                .reason();
    }

    @Test
    void attributesAreBoundedInCountAndInKeyAndValueLength() throws Exception {
        InteractionEvent atTheLimits = interaction();
        for (int i = 0; i < MAX_ATTRIBUTES; i++) {
            atTheLimits
                    .getAttributes()
                    .put(
                            ("k" + i).repeat(MAX_ATTRIBUTE_LENGTH).substring(0, MAX_ATTRIBUTE_LENGTH),
                            "v".repeat(MAX_ATTRIBUTE_LENGTH));
        }
        validator.validate(atTheLimits, NOW);

        InteractionEvent tooMany = interaction();
        for (int i = 0; i <= MAX_ATTRIBUTES; i++) {
            tooMany.getAttributes().put("k" + i, "v");
        }
        assertThat(reason(tooMany)).isEqualTo(DeadLetterReason.INVALID_FIELD);

        InteractionEvent longKey = interaction();
        longKey.getAttributes().put("k".repeat(MAX_ATTRIBUTE_LENGTH + 1), "v");
        assertThat(reason(longKey)).isEqualTo(DeadLetterReason.INVALID_FIELD);

        InteractionEvent longValue = interaction();
        longValue.getAttributes().put("segment", "secret-value-".repeat(10));
        InvalidEventException e =
                catchThrowableOfType(InvalidEventException.class, () -> validator.validate(longValue, NOW));
        assertThat(e.reason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(e.getMessage())
                .as("names the setting, never the content")
                .contains("validation.max-attribute-length")
                .doesNotContain("secret")
                .doesNotContain("segment");
    }

    @Test
    void idsAndNamesAreBoundedOnEveryInput() throws Exception {
        String tooLong = "x".repeat(EventValidator.MAX_ID_LENGTH + 1);
        String longest = "x".repeat(EventValidator.MAX_ID_LENGTH);

        InteractionEvent ok = interaction();
        ok.setCustomerId(longest);
        ok.setEventId(longest);
        ok.setTouchpoint(longest);
        ok.setAgentId(longest);
        ok.setSessionId(longest);
        validator.validate(ok, NOW);

        InteractionEvent i = interaction();
        i.setCustomerId(tooLong);
        assertThat(reason(i)).isEqualTo(DeadLetterReason.INVALID_FIELD);
        i = interaction();
        i.setEventId(tooLong);
        assertThat(reason(i)).isEqualTo(DeadLetterReason.INVALID_FIELD);
        i = interaction();
        i.setTouchpoint(tooLong);
        assertThat(reason(i)).isEqualTo(DeadLetterReason.INVALID_FIELD);
        i = interaction();
        i.setAgentId(tooLong);
        assertThat(reason(i)).isEqualTo(DeadLetterReason.INVALID_FIELD);
        i = interaction();
        i.setSessionId(tooLong);
        assertThat(reason(i)).isEqualTo(DeadLetterReason.INVALID_FIELD);

        FeedbackEvent f = feedback();
        f.setAgentId(tooLong);
        assertThat(reason(f)).isEqualTo(DeadLetterReason.INVALID_FIELD);
        f = feedback();
        f.setSurveyId(tooLong);
        assertThat(reason(f)).isEqualTo(DeadLetterReason.INVALID_FIELD);
        f = feedback();
        f.setTouchpoint(tooLong);
        assertThat(reason(f)).isEqualTo(DeadLetterReason.INVALID_FIELD);
        f = feedback();
        f.setCustomerId("");
        assertThat(reason(f)).isEqualTo(DeadLetterReason.MISSING_CUSTOMER_ID);
    }

    @Test
    void aLongCommentIsCutNotRejected() throws Exception {
        FeedbackEvent e = feedback();
        e.setComment("0123456789abcdef");
        validator.validate(e, NOW);
        assertThat(e.getComment()).isEqualTo("0123456789");
        assertThat(e.getScore()).isEqualTo(3);

        FeedbackEvent shortComment = feedback();
        shortComment.setComment("short");
        validator.validate(shortComment, NOW);
        assertThat(shortComment.getComment()).isEqualTo("short");

        FeedbackEvent none = feedback();
        none.setComment(null);
        validator.validate(none, NOW);
        assertThat(none.getComment()).isNull();
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        String smiley = "\uD83D\uDE00"; // one code point, two chars
        assertThat(EventValidator.cut("123456789" + smiley, 10)).isEqualTo("123456789");
        assertThat(EventValidator.cut("12345678" + smiley, 10)).isEqualTo("12345678" + smiley);
        assertThat(EventValidator.cut("abc", 0)).isEmpty();
        assertThatThrownBy(() -> validator.validate(interactionWithEmptyTouchpoint(), NOW))
                .isInstanceOf(InvalidEventException.class);
    }

    private static InteractionEvent interactionWithEmptyTouchpoint() {
        InteractionEvent e = interaction();
        e.setTouchpoint(" ");
        return e;
    }

    @Test
    void eventAgeIsCheckedAgainstTheJobsClockInLiveModeAndNotInAReplay() throws Exception {
        Map<String, String> settings =
                new HashMap<>(Map.of("bootstrap-servers", "localhost:1", "validation.max-event-age", "30 d"));
        EventValidator live = EventValidator.of(CxConfig.fromMap(settings, Map.of()));
        settings.put("event-time.mode", "replay");
        EventValidator replay = EventValidator.of(CxConfig.fromMap(settings, Map.of()));

        InteractionEvent old =
                Events.interaction("c", NOW - Duration.ofDays(40).toMillis(), InteractionType.PAGE_VIEW, "home");
        assertThat(catchThrowableOfType(InvalidEventException.class, () -> live.validate(old, NOW))
                        .reason())
                .isEqualTo(DeadLetterReason.TIMESTAMP_TOO_OLD);
        replay.validate(old, NOW);
        replay.validate(Events.interaction("c", 0, InteractionType.PAGE_VIEW, "home"), NOW);

        InteractionEvent future =
                Events.interaction("c", NOW + Duration.ofMinutes(11).toMillis(), InteractionType.PAGE_VIEW, "home");
        assertThat(catchThrowableOfType(InvalidEventException.class, () -> replay.validate(future, NOW))
                        .reason())
                .as("a stamp from the future is wrong in a replay too")
                .isEqualTo(DeadLetterReason.TIMESTAMP_IN_FUTURE);
    }
}

package io.cxstream.voc;

import io.cxstream.config.CxConfig;
import io.cxstream.config.InvalidConfigException;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The voc.* settings: defaults, parsing, and errors that name the key. */
class VocConfigTest {
    private static CxConfig config(Map<String, String> voc) {
        java.util.Map<String, String> m = new java.util.HashMap<>(voc);
        m.put("bootstrap-servers", "localhost:1");
        return CxConfig.fromMap(m, Map.of());
    }

    @Test
    void defaults() {
        VocConfig c = config(Map.of()).voc;
        assertThat(c.enabled).isTrue();
        assertThat(c.aggregatesTopic).isEqualTo("cx.voc");
        assertThat(c.alertsTopic).isEqualTo("cx.voc.alerts");
        assertThat(c.minSample).isEqualTo(30);
        assertThat(c.maxValues).isEqualTo(200);
        assertThat(c.alertCooldown).isEqualTo(Duration.ofHours(6));
        assertThat(c.alertMinZ).isEqualTo(4.0);
        assertThat(c.alertMinDrop).isEqualTo(10.0);
        assertThat(c.gaugeDimensions)
                .doesNotContain(VocDimension.AGENT, VocDimension.SURVEY)
                .contains(VocDimension.TOUCHPOINT);
        assertThat(c.goals).isEmpty();
    }

    @Test
    void goalsParse() {
        VocConfig c = config(Map.of("voc.goals", "touchpoint:delivery=40;agent:a-17=-5.5")).voc;
        assertThat(c.goal(VocDimension.TOUCHPOINT, "delivery")).isEqualTo(40.0);
        assertThat(c.goal(VocDimension.AGENT, "a-17")).isEqualTo(-5.5);
        assertThat(c.goal(VocDimension.TOUCHPOINT, "support")).isNull();
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> config(Map.of("voc.goals", "team:blue=40")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("voc.goals")
                .hasMessageContaining("team");
        assertThatThrownBy(() -> config(Map.of("voc.goals", "touchpoint:delivery=140")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("voc.goals");
        assertThatThrownBy(() -> config(Map.of("voc.min-sample", "0")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("voc.min-sample");
        assertThatThrownBy(() -> config(Map.of("voc.gauge-dimensions", "touchpoint;colour")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("voc.gauge-dimensions");
        assertThatThrownBy(() -> config(Map.of("voc.alert.min-z", "-1")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("voc.alert.min-z");
    }
}

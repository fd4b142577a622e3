package io.cxstream.helm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** values.schema.json: helm rejects typos and bad values before rendering anything. */
class ValuesSchemaTest {

    @Test
    void aMisspelledValueIsRejected() {
        assertThat(HelmChart.renderError("""
                kafka:
                  bootstrapServer: kafka:9092
                """)).contains("bootstrapServer");
    }

    @Test
    void badValuesAreRejected() {
        assertThat(HelmChart.renderError("kafka: {deliveryGuarantee: exactly_once}"))
                .contains("deliveryGuarantee");
        assertThat(HelmChart.renderError("kafka: {bootstrapServers: \"\"}")).contains("bootstrapServers");
        assertThat(HelmChart.renderError("job: {parallelism: 0}")).contains("parallelism");
        assertThat(HelmChart.renderError("flinkVersion: v1_20")).contains("flinkVersion");
        assertThat(HelmChart.renderError("metrics: {podMonitor: {enabled: true, interval: 30}}"))
                .contains("interval");
    }
}

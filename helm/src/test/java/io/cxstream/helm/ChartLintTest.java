package io.cxstream.helm;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** helm lint --strict: the chart is well formed, and warnings count as failures. */
class ChartLintTest {

    @Test
    void lintsStrictly() {
        LintResult result = HelmChart.helm().lint().strict().call();

        assertThat(result.isFailed())
                .as("helm lint --strict messages: %s", result.getMessages())
                .isFalse();
    }
}

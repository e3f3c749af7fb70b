package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentConfigTest {

    @TempDir
    Path tmp;

    private AgentSettings settings(String yaml, String... flags) throws Exception {
        Path f = tmp.resolve("agent.yaml");
        Files.writeString(f, yaml);
        AgentCommand cmd = new AgentCommand();
        CommandLine cl = new CommandLine(cmd);
        CommandLine.ParseResult pr = cl.parseArgs(flags);
        return AgentSettings.resolve(cmd, AgentConfig.load(f, new java.io.PrintWriter(new java.io.StringWriter())), pr.hasMatchedOption("--source"));
    }

    @Test
    void fileValuesApplyAndFlagsOverrideThem() throws Exception {
        String yaml = """
                metrics: 127.0.0.1:9464
                otlp_endpoint: http://127.0.0.1:4318
                otlp_protocol: grpc
                output: /var/log/boxtrace/events.jsonl
                rotate_size: 10M
                keep: 3
                container: [web, db]
                source: netlink
                kubernetes_labels: true
                """;
        AgentSettings s = settings(yaml, "--keep", "7", "--metrics", ":9000");
        assertThat(s.metrics()).isEqualTo(":9000");
        assertThat(s.keep()).isEqualTo(7);
        assertThat(s.otlpEndpoint()).isEqualTo("http://127.0.0.1:4318");
        assertThat(s.otlpProtocol()).isEqualTo("grpc");
        assertThat(s.output()).isEqualTo(Path.of("/var/log/boxtrace/events.jsonl"));
        assertThat(s.rotateBytes()).isEqualTo(10L << 20);
        assertThat(s.containers()).containsExactly("web", "db");
        assertThat(s.source()).isEqualTo(SourceMixin.SourceChoice.netlink);
        assertThat(s.kubernetesLabels()).isTrue();
        assertThat(settings(yaml, "--source", "procfs").source()).isEqualTo(SourceMixin.SourceChoice.procfs);
        assertThat(settings(yaml, "-c", "api").containers()).isEqualTo(List.of("api"));
    }

    @Test
    void defaultsWhenNeitherGivesAValue() throws Exception {
        AgentSettings s = settings("{}", "--output", "x.jsonl");
        assertThat(s.rotateBytes()).isEqualTo(100L << 20);
        assertThat(s.keep()).isEqualTo(5);
        assertThat(s.otlpProtocol()).isEqualTo("http/protobuf");
        assertThat(s.execSeries()).isEqualTo(500);
        assertThat(s.kubernetesLabels()).isFalse();
        assertThat(s.source()).isEqualTo(SourceMixin.SourceChoice.auto);
    }

    @Test
    void typosAndWrongKindsAreUsageErrorsNamingTheSetting() {
        assertThatThrownBy(() -> settings("metric: :9464\n")).isInstanceOf(BoxtraceException.class)
                .hasMessageContaining("unknown setting 'metric'");
        assertThatThrownBy(() -> settings("keep: many\n")).hasMessageContaining("'keep' must be a whole number");
        assertThatThrownBy(() -> settings("kubernetes_labels: yes please\n")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> settings("otlp_protocol: thrift\n")).hasMessageContaining("http/protobuf or grpc");
        assertThatThrownBy(() -> settings("- a\n- b\n")).hasMessageContaining("expected a mapping");
        assertThatThrownBy(() -> settings("metrics: {a: 1}\n")).hasMessageContaining("a value or a list");
    }
}

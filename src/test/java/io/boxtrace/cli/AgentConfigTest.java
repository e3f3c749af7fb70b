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
        return settingsFrom("agent.yaml", yaml, flags);
    }

    private AgentSettings settingsFrom(String fileName, String text, String... flags) throws Exception {
        Path f = tmp.resolve(fileName);
        Files.writeString(f, text);
        AgentCommand cmd = new AgentCommand();
        CommandLine cl = new CommandLine(cmd);
        CommandLine.ParseResult pr = cl.parseArgs(flags);
        return AgentSettings.resolve(cmd, AgentConfig.load(f, new java.io.PrintWriter(new java.io.StringWriter())),
                pr::hasMatchedOption);
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
    void tomlFileByItsExtensionWithFlagsOverridingIt() throws Exception {
        String toml = """
                # boxtrace agent
                metrics = "127.0.0.1:9464"
                otlp_endpoint = "http://127.0.0.1:4317"
                otlp_protocol = "grpc"
                output = "/var/log/boxtrace/events.jsonl"
                rotate_size = "10M"
                keep = 3
                container = ["web", "db"]
                kubernetes_labels = true
                exec_series = 100
                """;
        AgentSettings s = settingsFrom("agent.toml", toml, "--keep", "7");
        assertThat(s.metrics()).isEqualTo("127.0.0.1:9464");
        assertThat(s.keep()).isEqualTo(7);
        assertThat(s.otlpProtocol()).isEqualTo("grpc");
        assertThat(s.rotateBytes()).isEqualTo(10L << 20);
        assertThat(s.containers()).containsExactly("web", "db");
        assertThat(s.kubernetesLabels()).isTrue();
        assertThat(s.execSeries()).isEqualTo(100);
        assertThatThrownBy(() -> settingsFrom("bad.toml", "metric = \":9464\"\n"))
                .hasMessageContaining("unknown setting 'metric'");
        assertThatThrownBy(() -> settingsFrom("broken.toml", "metrics = \n"))
                .isInstanceOf(BoxtraceException.class).hasMessageContaining("cannot read config");
        assertThatThrownBy(() -> settingsFrom("nested.toml", "[metrics]\nport = 1\n"))
                .hasMessageContaining("a value or a list");
    }

    @Test
    void argvLimitsFromTheFileUnlessGivenAsFlags() throws Exception {
        AgentSettings s = settings("max_args: 7\nmax_arg_bytes: 100\n");
        assertThat(s.maxArgs()).isEqualTo(7);
        assertThat(s.maxArgBytes()).isEqualTo(100);
        AgentSettings f = settings("max_args: 7\nmax_arg_bytes: 100\n", "--max-args", "9");
        assertThat(f.maxArgs()).as("the flag's value stays in SourceMixin").isNull();
        assertThat(f.maxArgBytes()).isEqualTo(100);
        assertThat(settings("{}").maxArgs()).isNull();
        assertThatThrownBy(() -> settings("max_arg_bytes: 20000\n")).isInstanceOf(BoxtraceException.class)
                .hasMessageContaining("max_arg_bytes must be between 1 and 16383");
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
    void typosAndWrongKindsAreUsageErrorsNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> settings("metric: :9464\n")).isInstanceOf(BoxtraceException.class)
                .hasMessageContaining("unknown setting 'metric'");
        assertThatThrownBy(() -> settings("keep: many\n")).hasMessageContaining("'keep' must be a whole number");
        assertThatThrownBy(() -> settings("kubernetes_labels: yes please\n")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> settings("otlp_protocol: thrift\n")).hasMessageContaining("http/protobuf or grpc");
        assertThatThrownBy(() -> settings("- a\n- b\n")).hasMessageContaining("expected a mapping");
        assertThatThrownBy(() -> settings("metrics: {a: 1}\n")).hasMessageContaining("a value or a list");
        assertThatThrownBy(() -> settings("otlp_endpoint: ftp://collector:4318\n")).isInstanceOf(BoxtraceException.class)
                .hasMessageContaining("--otlp-endpoint must be an http:// or https:// URL");
        assertThatThrownBy(() -> settings("{}", "--otlp-endpoint", "127.0.0.1:4318"))
                .hasMessageContaining("--otlp-endpoint must be an http:// or https:// URL");
        assertThatThrownBy(() -> settings("{}", "--otlp-endpoint", "http://")).hasMessageContaining("--otlp-endpoint");
        assertThat(settings("{}", "--otlp-endpoint", "https://otel.example:4318/").otlpEndpoint())
                .isEqualTo("https://otel.example:4318/");
        assertThatThrownBy(() -> settings("source: bogus\n")).hasMessageContaining("audit");
        assertThatThrownBy(() -> AgentConfig.load(tmp.resolve("absent.yaml"), new java.io.PrintWriter(new java.io.StringWriter())))
                .hasMessageEndingWith("absent.yaml: no such file");
    }
}

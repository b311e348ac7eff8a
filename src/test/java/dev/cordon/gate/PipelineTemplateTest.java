package dev.cordon.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.GStringExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.SourceUnit;
import org.junit.jupiter.api.Test;

import groovy.lang.GroovyShell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline templates in ci/ are real files a team copies: each must parse as what it claims to be and call the
 * gate script for the seed phase before the deploy and the verify phase after it.
 */
class PipelineTemplateTest {
    private static final Path CI = Path.of(System.getProperty("cordon.project.dir", ".")).resolve("ci");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String GATE = "ci/release-gate.sh";

    @Test
    void githubActionsSeedsDeploysVerifiesAndCleansUpInThatOrder() throws IOException {
        JsonNode workflow = YAML.readTree(CI.resolve("github-actions.yml").toFile());
        JsonNode jobs = workflow.path("jobs");
        assertThat(jobs.fieldNames()).toIterable().contains("seed", "deploy", "verify", "cleanup");
        assertThat(runLines(jobs.path("seed"))).anyMatch(l -> l.contains(GATE) && l.contains("--phase seed"));
        assertThat(runLines(jobs.path("verify"))).anyMatch(l -> l.contains(GATE) && l.contains("--phase verify"));
        assertThat(runLines(jobs.path("cleanup"))).anyMatch(l -> l.contains(GATE) && l.contains("--phase cleanup"));
        assertThat(needs(jobs.path("deploy"))).contains("seed");
        assertThat(needs(jobs.path("verify"))).contains("deploy");
        assertThat(workflow.path("env").path("CORDON_PASSWORD_KEY").asText()).as("the password key comes from a CI secret")
                .contains("secrets.CORDON_PASSWORD_KEY");
        assertThat(YAML.writeValueAsString(jobs.path("verdict"))).as("the verdict job restores the report history and uploads the report")
                .contains("target/allure-report/history").contains("target/allure-report");
        assertThat(YAML.writeValueAsString(jobs.path("seed"))).as("the seed job keeps the ledger").contains("target/cordon/ledger.jsonl");
    }

    @Test
    void gitlabCiRunsTheGateInStagesAroundTheDeploy() throws IOException {
        JsonNode pipeline = YAML.readTree(CI.resolve("gitlab-ci.yml").toFile());
        List<String> stages = new ArrayList<>();
        pipeline.path("stages").forEach(s -> stages.add(s.asText()));
        assertThat(stages).containsSubsequence("seed", "deploy", "verify", "cleanup");
        Map<String, String> scriptByStage = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = pipeline.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> job = it.next();
            if (job.getValue().has("stage")) {
                scriptByStage.merge(job.getValue().path("stage").asText(), job.getValue().path("script").toString(), String::concat);
            }
        }
        assertThat(scriptByStage.get("seed")).contains(GATE).contains("--phase seed");
        assertThat(scriptByStage.get("deploy")).as("a deploy placeholder").isNotBlank();
        assertThat(scriptByStage.get("verify")).contains(GATE).contains("--phase verify");
        assertThat(scriptByStage.get("cleanup")).contains(GATE).contains("--phase cleanup");
    }

    @Test
    void jenkinsfileIsGroovyAndCallsTheGateForSeedAndVerify() throws IOException {
        String source = Files.readString(CI.resolve("Jenkinsfile"));
        new GroovyShell().parse(source, "Jenkinsfile");   // a syntax error fails here
        List<String> strings = stringsIn(source);
        assertThat(strings).anyMatch(s -> s.contains(GATE) && s.contains("--phase seed"));
        assertThat(strings).anyMatch(s -> s.contains(GATE) && s.contains("--phase verify"));
        assertThat(strings).anyMatch(s -> s.contains(GATE) && s.contains("--phase cleanup"));
        assertThat(source.indexOf("stage('Seed')")).as("seed before deploy before verify")
                .isLessThan(source.indexOf("stage('Deploy')")).isLessThan(source.indexOf("stage('Verify')"));
    }

    /** The gate's answer is one verdict: every template ends with a job that merges the verify shards with --merge. */
    @Test
    void githubActionsEndsWithOneVerdictMergedFromEveryShard() throws IOException {
        JsonNode jobs = YAML.readTree(CI.resolve("github-actions.yml").toFile()).path("jobs");
        List<String> names = new ArrayList<>();
        jobs.fieldNames().forEachRemaining(names::add);
        assertThat(names).last().as("the last job").isEqualTo("verdict");
        JsonNode verdict = jobs.path("verdict");
        assertThat(runLines(verdict)).anyMatch(l -> l.contains(GATE) && l.contains("--merge"));
        assertThat(needs(verdict)).contains("verify");
        assertThat(verdict.path("if").asText()).as("also after a failed shard").contains("always()");
        String verify = YAML.writeValueAsString(jobs.path("verify"));
        assertThat(verify).as("each shard keeps what the merge reads").contains("target/cordon/summary.json").contains("target/allure-results")
                .contains("cordon-shard-");
        String merge = YAML.writeValueAsString(verdict);
        assertThat(merge).contains("cordon-shard-*").contains("target/allure-report").contains("target/cordon/evidence.zip")
                .contains("target/allure-report/history");
    }

    @Test
    void gitlabCiEndsWithOneVerdictMergedFromEveryShard() throws IOException {
        JsonNode pipeline = YAML.readTree(CI.resolve("gitlab-ci.yml").toFile());
        List<String> stages = new ArrayList<>();
        pipeline.path("stages").forEach(s -> stages.add(s.asText()));
        assertThat(stages).last().isEqualTo("verdict");
        JsonNode verdict = pipeline.path("cordon-verdict");
        assertThat(verdict.path("stage").asText()).isEqualTo("verdict");
        assertThat(verdict.path("script").toString()).contains(GATE).contains("--merge shards/*");
        assertThat(verdict.path("when").asText()).isEqualTo("always");
        assertThat(verdict.path("needs").toString()).contains("cordon-verify");
        JsonNode verify = pipeline.path("cordon-verify");
        assertThat(verify.path("after_script").toString()).as("each parallel shard keeps its outputs in a folder of its own")
                .contains("shards/${CI_NODE_INDEX:-1}/target").contains("summary.json").contains("allure-results");
        assertThat(verify.path("artifacts").path("paths").toString()).contains("shards/");
        assertThat(verdict.path("artifacts").path("paths").toString()).contains("target/allure-report/").contains("evidence.zip");
    }

    @Test
    void jenkinsfileEndsWithOneVerdictMergedFromEveryShard() throws IOException {
        String source = Files.readString(CI.resolve("Jenkinsfile"));
        List<String> strings = stringsIn(source);
        assertThat(strings).anyMatch(s -> s.contains(GATE) && s.contains("--merge shards/*"));
        assertThat(source.indexOf("stage('Verify')")).isLessThan(source.indexOf("stage('Verdict')"));
        assertThat(source.indexOf("stage('Verdict')")).as("the last stage").isEqualTo(source.lastIndexOf("stage('"));
        assertThat(source).as("a shard's exit is not the answer: the merge is").contains("returnStatus: true")
                .contains("allure results: [[path: 'target/allure-results']]");
    }

    private static List<String> runLines(JsonNode job) {
        List<String> lines = new ArrayList<>();
        job.path("steps").forEach(step -> {
            if (step.has("run")) {
                lines.add(step.path("run").asText());
            }
        });
        return lines;
    }

    private static List<String> needs(JsonNode job) {
        List<String> needs = new ArrayList<>();
        JsonNode node = job.path("needs");
        if (node.isArray()) {
            node.forEach(n -> needs.add(n.asText()));
        } else if (!node.isMissingNode()) {
            needs.add(node.asText());
        }
        return needs;
    }

    /** Every string literal (and GString's literal parts joined) in the script's syntax tree, closures included. */
    private static List<String> stringsIn(String source) {
        CompilationUnit unit = new CompilationUnit();
        SourceUnit sourceUnit = unit.addSource("Jenkinsfile", source);
        unit.compile(CompilePhase.CONVERSION.getPhaseNumber());
        List<String> strings = new ArrayList<>();
        CodeVisitorSupport visitor = new CodeVisitorSupport() {
            @Override
            public void visitConstantExpression(ConstantExpression expression) {
                if (expression.getValue() instanceof String s) {
                    strings.add(s);
                }
            }

            @Override
            public void visitGStringExpression(GStringExpression expression) {
                strings.add(expression.getText());
                super.visitGStringExpression(expression);
            }
        };
        BlockStatement block = sourceUnit.getAST().getStatementBlock();
        block.visit(visitor);
        return strings;
    }
}

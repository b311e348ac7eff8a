package dev.cordon.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** Allure's executor entry, filled from the CI system's own variables (GitHub Actions, GitLab CI, Jenkins) or "local". */
public final class Executor {
    private Executor() {
    }

    public static Map<String, Object> from(Map<String, String> env) {
        Map<String, Object> executor = new LinkedHashMap<>();
        if ("true".equals(env.get("GITHUB_ACTIONS"))) {
            String run = env.getOrDefault("GITHUB_SERVER_URL", "") + "/" + env.getOrDefault("GITHUB_REPOSITORY", "") + "/actions/runs/" + env.getOrDefault("GITHUB_RUN_ID", "");
            executor.put("name", "GitHub Actions");
            executor.put("type", "github");
            executor.put("buildName", env.getOrDefault("GITHUB_WORKFLOW", "workflow") + " #" + env.getOrDefault("GITHUB_RUN_NUMBER", "?"));
            executor.put("buildOrder", parse(env.get("GITHUB_RUN_NUMBER")));
            executor.put("buildUrl", run);
        } else if ("true".equals(env.get("GITLAB_CI"))) {
            executor.put("name", "GitLab CI");
            executor.put("type", "gitlab");
            executor.put("buildName", env.getOrDefault("CI_PIPELINE_NAME", "pipeline") + " #" + env.getOrDefault("CI_PIPELINE_IID", "?"));
            executor.put("buildOrder", parse(env.get("CI_PIPELINE_IID")));
            executor.put("buildUrl", env.getOrDefault("CI_PIPELINE_URL", ""));
        } else if (env.containsKey("JENKINS_URL")) {
            executor.put("name", "Jenkins");
            executor.put("type", "jenkins");
            executor.put("buildName", env.getOrDefault("JOB_NAME", "job") + " #" + env.getOrDefault("BUILD_NUMBER", "?"));
            executor.put("buildOrder", parse(env.get("BUILD_NUMBER")));
            executor.put("buildUrl", env.getOrDefault("BUILD_URL", ""));
        } else {
            executor.put("name", env.containsKey("CI") ? "CI" : "local");
            executor.put("type", "local");
            executor.put("buildName", "ci/release-gate.sh");
        }
        return executor;
    }

    private static long parse(String number) {
        try {
            return number == null ? 0 : Long.parseLong(number);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

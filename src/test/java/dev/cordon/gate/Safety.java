package dev.cordon.gate;

import dev.cordon.config.ConfigException;
import dev.cordon.config.EnvironmentConfig;

import java.net.URI;
import java.util.Locale;

/**
 * Interlocks checked before the first request: Cordon writes synthetic patients (and cleanup deletes them), so it
 * refuses any environment not declared a test environment, any declared production, and any host on the deny-list.
 */
final class Safety {
    private Safety() {
    }

    static void check(EnvironmentConfig env, Phase phase) {
        if (env.production()) {
            throw new ConfigException("%s: key 'production' is true; Cordon never writes to production (phase %s refused)"
                    .formatted(env.file(), phase));
        }
        if (!env.testEnvironment()) {
            throw new ConfigException("%s: key 'testEnvironment' is false; phase %s creates and removes synthetic patients, "
                    .formatted(env.file(), phase) + "which Cordon only does on an environment declared 'testEnvironment: true'");
        }
        if (env.deployment().baseUrl() != null) {
            String host = URI.create(env.deployment().baseUrl()).getHost().toLowerCase(Locale.ROOT);
            for (String denied : env.hostDenyList()) {
                String d = denied.toLowerCase(Locale.ROOT);
                if (host.equals(d) || (d.startsWith(".") && host.endsWith(d))) {
                    throw new ConfigException("%s: key 'deployment.baseUrl': host %s is on the hostDenyList (%s)"
                            .formatted(env.file(), host, denied));
                }
            }
        }
    }
}

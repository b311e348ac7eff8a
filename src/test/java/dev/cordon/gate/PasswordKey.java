package dev.cordon.gate;

import dev.cordon.config.Secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key patient passwords are derived from. Pipelines set CORDON_PASSWORD_KEY as a CI secret so seed and verify
 * jobs agree; otherwise the seed phase makes one and keeps it beside the ledger, readable by its owner only.
 */
final class PasswordKey {
    static final String VARIABLE = "CORDON_PASSWORD_KEY";

    private PasswordKey() {
    }

    static Secret create(Path ledger) {
        String fromEnv = System.getenv(VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Secret.of(fromEnv, "from $" + VARIABLE);
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path file = keyFile(ledger);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the file still lives only under target/
            }
            Files.writeString(file, key);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return Secret.of(key, "generated, kept in " + file);
    }

    static Secret load(Path ledger) {
        String fromEnv = System.getenv(VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Secret.of(fromEnv, "from $" + VARIABLE);
        }
        Path file = keyFile(ledger);
        try {
            return Secret.of(Files.readString(file).trim(), "kept in " + file);
        } catch (IOException e) {
            throw new IllegalStateException("no password key: set " + VARIABLE + " to the value the seed phase used, or keep "
                    + file + " beside the ledger", e);
        }
    }

    static Path keyFile(Path ledger) {
        return ledger.resolveSibling(ledger.getFileName() + ".key");
    }
}

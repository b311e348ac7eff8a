package dev.cordon.clinic;

import dev.cordon.clinic.web.ClinicServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The clinic's --tls: a fresh EC P-256 key and a self-signed certificate for 127.0.0.1, ::1 and localhost, made at
 * start with the JDK's keytool into a private temporary directory (deleted when the clinic stops), and the certificate
 * as PEM beside it for clients to trust. The key store's password is random and reaches keytool through its
 * environment, never its arguments.
 */
final class SelfSignedTls {
    private SelfSignedTls() {
    }

    /** Makes the key and certificate, switches the server to HTTPS, and returns the PEM certificate's path. */
    static Path make(String bindHost) {
        try {
            Path dir = Files.createTempDirectory("clinic-tls-", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Path store = dir.resolve("clinic-tls.p12");
            Path pem = dir.resolve("clinic-tls.pem");
            String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            String san = "san=ip:127.0.0.1,ip:::1,dns:localhost" + (bindHost != null && bindHost.matches("[0-9.]+") && !bindHost.equals("127.0.0.1")
                    && !bindHost.equals("0.0.0.0") ? ",ip:" + bindHost : "");
            keytool(password, "-genkeypair", "-alias", "clinic", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=Cordon reference clinic (self-signed)", "-ext", san, "-validity", "30",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass:env", "CLINIC_TLS_STORE_PASSWORD");
            keytool(password, "-exportcert", "-rfc", "-alias", "clinic", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass:env", "CLINIC_TLS_STORE_PASSWORD", "-file", pem.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.deleteIfExists(store);
                    Files.deleteIfExists(pem);
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary directory left behind
                }
            }, "clinic-tls-cleanup"));
            ClinicServer.serveTls(new ClinicServer.Tls(store, password));
            return pem;
        } catch (IOException e) {
            throw new IllegalStateException("could not make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static void keytool(String password, String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CLINIC_TLS_STORE_PASSWORD", password);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keytool ran", e);
        }
    }
}

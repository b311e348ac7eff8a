package dev.cordon.adapter;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How the network between Cordon and a staging looks: whom to trust for TLS, the client certificate for mutual TLS,
 * which TLS versions, and the proxy with the hosts reached without it. Data only, validated where the environment is
 * loaded ({@link TlsContexts#build} reads the files then, so a bad bundle stops the gate before anything is sent).
 *
 * @param caBundle          PEM file of the certificate authorities to trust instead of the JDK's, or null
 * @param trustStore        PKCS#12 (or JKS) trust store instead of the JDK's, or null
 * @param trustStorePassword its password (from a secret reference), or null
 * @param clientCertificate PEM certificate chain Cordon presents (mutual TLS), or null
 * @param clientKey         PEM PKCS#8 private key of that certificate, or null
 * @param tlsVersions       allowed protocol versions (TLSv1.3, TLSv1.2); empty: the JDK's defaults
 * @param insecureTls       trust any certificate and any host name: only in a test environment, printed in the verdict
 * @param proxy             http://host:port of an HTTP proxy (HTTPS goes through it with CONNECT), or null
 * @param noProxy           hosts reached directly: exact names, .suffix for a domain, or * for all
 */
public record Network(Path caBundle, Path trustStore, char[] trustStorePassword, Path clientCertificate, Path clientKey,
                      List<String> tlsVersions, boolean insecureTls, URI proxy, List<String> noProxy) {

    /** The JDK's trust, no client certificate, no proxy. */
    public static final Network DIRECT = new Network(null, null, null, null, null, List.of(), false, null, List.of());

    public Network {
        tlsVersions = List.copyOf(tlsVersions);
        noProxy = List.copyOf(noProxy);
    }

    /** Whether requests to {@code host} go through the proxy. */
    public boolean proxied(String host) {
        if (proxy == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        for (String entry : noProxy) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.equals("*") || e.equals(h)) {
                return false;
            }
            // "example.com" and ".example.com" both cover the domain and its subdomains, as curl and most tools read NO_PROXY
            String suffix = e.startsWith(".") ? e : "." + e;
            if (!e.isEmpty() && h.endsWith(suffix)) {
                return false;
            }
        }
        return true;
    }

    /** One line for the console, the verdict and the report: what trust and which proxy this run used (no secrets). */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (insecureTls) {
            s.append("TLS INSECURE (insecureTls: any certificate, any host name)");
        } else if (caBundle != null) {
            s.append("TLS trust: CA bundle ").append(caBundle);
        } else if (trustStore != null) {
            s.append("TLS trust: trust store ").append(trustStore);
        } else {
            s.append("TLS trust: the JDK's");
        }
        if (clientCertificate != null) {
            s.append("; client certificate ").append(clientCertificate);
        }
        if (!tlsVersions.isEmpty()) {
            s.append("; versions ").append(String.join(", ", tlsVersions));
        }
        s.append(proxy == null ? "; no proxy" : "; proxy " + proxy + (noProxy.isEmpty() ? "" : " (not for " + String.join(", ", noProxy) + ")"));
        s.append("; TLS by ").append(TlsContexts.implementation());
        return s.toString();
    }
}

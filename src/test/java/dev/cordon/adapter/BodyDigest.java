package dev.cordon.adapter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of an answer's body, computed the first time it is asked for: only a foreign answer that opened is
 * compared with its owner's, and hashing every body (media of a few KB on every own open) cost more client CPU than the
 * rest of the exchange on a C1-only gate JVM. The bytes are dropped once hashed.
 */
public final class BodyDigest {
    private byte[] body;
    private String hex;

    private BodyDigest(byte[] body, String hex) {
        this.body = body;
        this.hex = hex;
    }

    /** Of these bytes, hashed when first asked for. */
    public static BodyDigest of(byte[] body) {
        return new BodyDigest(body, null);
    }

    /** A digest already known (hex), or null for none. */
    public static BodyDigest known(String hex) {
        return hex == null ? null : new BodyDigest(null, hex);
    }

    public synchronized String hex() {
        if (hex == null) {
            try {
                hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
            body = null;
        }
        return hex;
    }

    @Override
    public String toString() {
        return hex();
    }
}

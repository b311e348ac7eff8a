package dev.cordon.gate;

import dev.cordon.config.ConfigException;
import dev.cordon.config.EnvironmentConfig;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Interlocks checked before the first request: Cordon writes synthetic patients (and cleanup deletes them), so it
 * refuses any environment not declared a test environment, any declared production, and any host on the deny-list.
 *
 * <p>A deny-list that a different spelling of the same host slips past protects nothing, so hosts are compared by
 * identity, not by text: letter case and trailing dots are ignored, names are compared in their IDNA ASCII form
 * (so {@code bücher.example} and {@code xn--bcher-kva.example} are one host, whichever side spells it which way),
 * IPv4 literals in every form an address parser accepts (dotted, {@code 127.1}, {@code 2130706433}, hex
 * {@code 0x7f.0.0.1}, octal {@code 0177.0.0.1}) become dotted quads, and IPv6 literals (brackets, zero compression,
 * leading zeros, zone ids) become one canonical form, with IPv4-mapped, IPv4-compatible and NAT64 addresses also
 * standing for the IPv4 address they carry. Nothing is resolved: the check never touches the network.
 */
final class Safety {
    private static final Pattern IPV4_PART = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");

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
            deniedBy(env.deployment().baseUrl(), env.hostDenyList()).ifPresent(denied -> {
                throw new ConfigException("%s: key 'deployment.baseUrl': host %s is on the hostDenyList (%s)"
                        .formatted(env.file(), hostOf(env.deployment().baseUrl()), denied));
            });
        }
    }

    /** The deny-list entry that covers the URL's host, if any: an exact host or address, or a {@code .suffix} domain. */
    static Optional<String> deniedBy(String url, List<String> denyList) {
        String host = hostOf(url);
        Set<String> identities = identities(host);
        boolean isName = !isIpLiteral(host);
        for (String entry : denyList) {
            String e = entry.strip();
            if (e.startsWith(".")) {
                String domain = canonicalName(e.substring(1));
                if (isName && identities.stream().anyMatch(h -> h.equals(domain) || h.endsWith("." + domain))) {
                    return Optional.of(entry);
                }
            } else if (identities.stream().anyMatch(identities(e)::contains)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /**
     * The host of a URL as written, read from the text rather than with java.net.URI (which gives no host for IDN
     * names or the shorter IPv4 forms): between "//" and the first of / ? # \, after any user info, without the port.
     */
    static String hostOf(String url) {
        int start = url.indexOf("//");
        String rest = start < 0 ? url : url.substring(start + 2);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#', '\\'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? authority : authority.substring(0, close + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /** Every canonical spelling a host stands for; two hosts are the same when these sets meet. */
    static Set<String> identities(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        Set<String> ids = new LinkedHashSet<>();
        if (h.contains(":")) {
            int zone = h.indexOf('%');
            byte[] v6 = parseIpv6(zone < 0 ? h : h.substring(0, zone));
            if (v6 != null) {
                ids.add(ipv6Text(v6));
                embeddedIpv4(v6).ifPresent(ids::add);
                return ids;
            }
            ids.add(h.toLowerCase(Locale.ROOT));
            return ids;
        }
        String name = stripTrailingDots(h);
        List<String> v4 = ipv4Readings(name);
        if (!v4.isEmpty()) {
            ids.addAll(v4);
            return ids;
        }
        ids.add(canonicalName(name));
        return ids;
    }

    private static boolean isIpLiteral(String host) {
        String h = host.strip();
        return h.startsWith("[") || h.contains(":") || !ipv4Readings(stripTrailingDots(h)).isEmpty();
    }

    /** Lower case, no trailing dot, IDNA ASCII form (toASCII also maps the ideographic full stops to '.'). */
    static String canonicalName(String name) {
        String n = stripTrailingDots(name.strip());
        try {
            n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notIdna) {
            // not a valid IDNA name: compared as written (lower case); an HTTP client would refuse it anyway
        }
        return stripTrailingDots(n).toLowerCase(Locale.ROOT);
    }

    private static String stripTrailingDots(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == '\u3002' || s.charAt(end - 1) == '\uff0e'
                || s.charAt(end - 1) == '\uff61')) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * The dotted quads an IPv4 literal may mean. inet_aton (curl, glibc, browsers) reads 1 to 4 parts, each decimal,
     * 0x-hex or 0-octal, the last filling the remaining bytes; stricter parsers read leading zeros as decimal. Both
     * readings count, so an address is refused if either one is on the list. Empty when the text is not such a literal.
     */
    static List<String> ipv4Readings(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length < 1 || parts.length > 4) {
            return List.of();
        }
        for (String part : parts) {
            if (!IPV4_PART.matcher(part).matches()) {
                return List.of();
            }
        }
        List<String> readings = new ArrayList<>();
        for (boolean radixPrefixes : new boolean[] {true, false}) {
            Long value = ipv4Value(parts, radixPrefixes);
            if (value != null) {
                String quad = (value >> 24 & 0xff) + "." + (value >> 16 & 0xff) + "." + (value >> 8 & 0xff) + "." + (value & 0xff);
                if (!readings.contains(quad)) {
                    readings.add(quad);
                }
            }
        }
        return readings;
    }

    private static Long ipv4Value(String[] parts, boolean radixPrefixes) {
        long value = 0;
        for (int i = 0; i < parts.length; i++) {
            Long part = ipv4Part(parts[i], radixPrefixes);
            boolean last = i == parts.length - 1;
            long max = last ? (1L << (8 * (4 - i))) - 1 : 255;
            if (part == null || part > max) {
                return null;
            }
            value = last ? value | part : value | part << (8 * (3 - i));
        }
        return value;
    }

    private static Long ipv4Part(String part, boolean radixPrefixes) {
        try {
            if (part.startsWith("0x") || part.startsWith("0X")) {
                if (!radixPrefixes) {
                    return null;
                }
                String digits = part.substring(2);
                return digits.isEmpty() ? 0L : digits.length() > 8 ? null : Long.parseLong(digits, 16);
            }
            if (part.length() > 10) {
                return null;
            }
            return radixPrefixes && part.length() > 1 && part.startsWith("0") ? Long.parseLong(part, 8) : Long.parseLong(part);
        } catch (NumberFormatException e) {
            return null; // "08" is no octal number: inet_aton refuses it
        }
    }

    /** 16 bytes, or null if the text is no IPv6 address (eight groups, at most one "::", optionally ending in a dotted quad). */
    static byte[] parseIpv6(String text) {
        String t = text;
        int lastColon = t.lastIndexOf(':');
        if (lastColon < 0) {
            return null;
        }
        int[] quad = null;
        String last = t.substring(lastColon + 1);
        if (last.contains(".")) {
            quad = strictQuad(last);
            if (quad == null) {
                return null;
            }
            t = t.substring(0, lastColon + 1);
            if (!t.endsWith("::")) {
                t = t.substring(0, t.length() - 1);
            }
        }
        int groupsWanted = quad == null ? 8 : 6;
        int doubleColon = t.indexOf("::");
        if (doubleColon >= 0 && t.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        List<String> head = groups(doubleColon < 0 ? t : t.substring(0, doubleColon));
        List<String> tail = doubleColon < 0 ? List.of() : groups(t.substring(doubleColon + 2));
        if (head == null || tail == null) {
            return null;
        }
        List<String> all = new ArrayList<>(head);
        if (doubleColon < 0) {
            if (head.size() != groupsWanted) {
                return null;
            }
        } else {
            int missing = groupsWanted - head.size() - tail.size();
            if (missing < 1) {
                return null; // "::" stands for at least one group of zeros
            }
            for (int i = 0; i < missing; i++) {
                all.add("0");
            }
            all.addAll(tail);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < groupsWanted; i++) {
            int g = Integer.parseInt(all.get(i), 16);
            bytes[2 * i] = (byte) (g >> 8);
            bytes[2 * i + 1] = (byte) g;
        }
        if (quad != null) {
            for (int i = 0; i < 4; i++) {
                bytes[12 + i] = (byte) quad[i];
            }
        }
        return bytes;
    }

    private static List<String> groups(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> groups = new ArrayList<>();
        for (String g : text.split(":", -1)) {
            if (!g.matches("[0-9a-fA-F]{1,4}")) {
                return null;
            }
            groups.add(g);
        }
        return groups;
    }

    private static int[] strictQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] quad = new int[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            quad[i] = Integer.parseInt(parts[i]);
        }
        return quad;
    }

    private static String ipv6Text(byte[] bytes) {
        StringBuilder text = new StringBuilder("ipv6:");
        for (int i = 0; i < 16; i += 2) {
            text.append(i == 0 ? "" : ":").append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff));
        }
        return text.toString();
    }

    /** The IPv4 address an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) address carries. */
    private static Optional<String> embeddedIpv4(byte[] b) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean mapped = firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (!(mapped || compatible || nat64)) {
            return Optional.empty();
        }
        return Optional.of((b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff));
    }
}

package dev.cordon.profile;

import dev.cordon.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Owner keys as the app defines them: from a set-up step, or a value Cordon chose; and the mistakes named. */
class OwnerKeyProfileTest {
    @TempDir
    Path dir;

    private Profile load(String text) throws IOException {
        Path file = dir.resolve("p-" + System.nanoTime() + ".yaml");
        Files.writeString(file, text);
        return ProfileLoader.load(file);
    }

    private static String profile(String patientsTail, String resourceTail) {
        return """
                schema: 2
                name: owner-keys
                version: none
                operator: { auth: header, header: Authorization, prefix: "Bearer " }
                patients:
                  signup: { method: POST, path: /signup, body: { u: "${username}", p: "${password}" }, extract: { accountId: $.id } }
                  login: { path: /login, body: { u: "${username}", p: "${password}" } }
                  session: { style: bearer, token: $.token }
                  whoAmI: { path: /me, id: $.id }
                %s
                resources:
                  record:
                    words: { one: record, many: records }
                    recipe:
                      - { method: POST, path: "/records/{careRecord}/items", body: { at: "${slot}" }, owns: $.id }
                    listings:
                      mine: { path: "/records/{careRecord}/items", items: "$.items[*]", id: $.id }
                    openers:
                      one: { path: "/items/{id}" }
                %s
                """.formatted(patientsTail.indent(2).stripTrailing(), resourceTail.indent(4).stripTrailing());
    }

    @Test
    void anOwnerKeyFromASetUpStepIsKnownToEveryLaterTemplate() throws IOException {
        Profile p = load(profile("""
                setup:
                  - { method: POST, path: /records, body: { name: "${name}" }, extract: { careRecord: $.id } }
                ownerKey: careRecord
                accountKey: accountId""", """
                writeProbes:
                  move: { method: PUT, path: "/items/{id}", from: one, set: { at: "probe ${runTag}" } }
                delete: { method: DELETE, path: "/items/{id}" }
                readBack: { path: "/admin/items/{id}" }
                count: 2"""));
        assertThat(p.patients().ownerKey()).isEqualTo("careRecord");
        assertThat(p.patients().ownerKeyFromSetup()).isTrue();
        assertThat(p.patients().accountKey()).isEqualTo("accountId");
        assertThat(p.resource("record").countPerPatient(3)).isEqualTo(2);
        assertThat(p.resource("record").writeProbes().get("move").from()).isEqualTo("one");
        assertThat(p.resource("record").delete().as()).isEqualTo(Profile.Actor.patient);
        assertThat(ProfilePlan.lines(p, "1.0.0", "1.0.0")).anyMatch(l -> l.startsWith("set-up (once per account)"))
                .anyMatch(l -> l.contains("owner key: careRecord (from the set-up); account id: accountId"));
    }

    @Test
    void aValueCordonChoseMayBeTheOwnerKey() throws IOException {
        Profile p = load(profile("ownerKey: email", "").replace("{careRecord}", "{email}"));
        assertThat(p.patients().ownerKey()).isEqualTo("email");
        assertThat(p.patients().accountKey()).isEqualTo("email");
    }

    @Test
    void mistakesNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> load(profile("ownerKey: careRecord", "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("patients.ownerKey").hasMessageContaining("[username, email, nhsNumber]");
        assertThatThrownBy(() -> load(profile("""
                setup:
                  - { method: POST, path: /records, extract: { careRecord: $.id } }
                ownerKey: careRecord""", "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("patients.accountKey").hasMessageContaining("[accountId]");
        assertThatThrownBy(() -> load(profile("""
                setup:
                  - { method: POST, path: "/records/{nope}", extract: { careRecord: $.id } }
                ownerKey: careRecord
                accountKey: accountId""", "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("patients.setup").hasMessageContaining("{nope}");
        assertThatThrownBy(() -> load(profile("""
                setup:
                  - { method: POST, path: /records, extract: { careRecord: $.id } }
                ownerKey: careRecord
                accountKey: accountId""", """
                writeProbes:
                  move: { method: PUT, path: "/items/{id}", from: nosuch, set: { at: x } }""")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("from").hasMessageContaining("[one]");
        assertThatThrownBy(() -> load(profile("""
                setup:
                  - { method: POST, path: /records, extract: { careRecord: $.id } }
                ownerKey: careRecord
                accountKey: accountId""", """
                writeProbes:
                  move: { method: PUT, path: "/items/{id}" }""")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set");
    }
}

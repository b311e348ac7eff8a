package dev.cordon.clinic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Release 2.1.0's self sign-up: two ids per patient, the operator API unchanged, nothing of it on older releases. */
class ClinicSignupTest {
    static final Instant SLOT = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dir;

    @Test
    void signUpGivesAnAccountIdAndThePatientIdTheOperatorAndLoginUse() {
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            TestClinic.Response signup = c.signup("ann");
            assertThat(signup.status()).as(signup.body()).isEqualTo(201);
            assertThat(signup.header("Cache-Control")).isEqualTo("no-store");
            String accountId = signup.json().get("accountId").asText();
            long patientId = signup.json().get("patientId").asLong();
            assertThat(accountId).matches("acct-[0-9a-f]{20}");
            assertThat(signup.json().get("patientId").isIntegralNumber()).isTrue();

            TestClinic.Response login = c.call("POST", "/api/login", null,
                    "{\"username\":\"ann\",\"password\":\"" + TestClinic.PASSWORD + "\"}");
            assertThat(login.json().get("patientId").asLong()).isEqualTo(patientId);
            JsonNode me = c.get("/api/me", login.json().get("token").asText()).json();
            assertThat(me.get("id").asLong()).isEqualTo(patientId);
            assertThat(me.get("accountId").asText()).isEqualTo(accountId);
            assertThat(me.get("username").asText()).isEqualTo("ann");
            assertThat(me.get("email").asText()).isEqualTo("ann@clinic.invalid");

            JsonNode listed = c.operator("GET", "/api/operator/patients", null).json().get("items").get(0);
            assertThat(listed.get("id").asLong()).isEqualTo(patientId);
            assertThat(listed.get("accountId").asText()).isEqualTo(accountId);

            long bobId = c.createPatient("bob");
            JsonNode bobMe = c.get("/api/me", c.login("bob")).json();
            assertThat(bobMe.get("id").asLong()).isEqualTo(bobId);
            assertThat(bobMe.get("accountId").asText()).as("operator-created patients get an account too")
                    .matches("acct-[0-9a-f]{20}").isNotEqualTo(accountId);

            String ann = c.login("ann");
            assertThat(c.completedConsultation(ann, SLOT)).hasSize(1);
            assertThat(c.listing(ann)).hasSize(1);
            assertThat(c.listing(c.login("bob"))).isEmpty();
        }
    }

    @Test
    void duplicateUsernameIsRefusedButALookAlikeIsItsOwnPatient() {
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            long alex = c.signup("alex").json().get("patientId").asLong();
            TestClinic.Response again = c.signup("alex");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().get("error").asText()).contains("username");
            c.createPatient("carol");
            assertThat(c.signup("carol").status()).as("a username the operator created").isEqualTo(409);

            TestClinic.Response lookAlike = c.signup("Alex");
            assertThat(lookAlike.status()).isEqualTo(201);
            long upper = lookAlike.json().get("patientId").asLong();
            assertThat(upper).isNotEqualTo(alex);
            assertThat(c.get("/api/me", c.login("Alex")).json().get("id").asLong()).isEqualTo(upper);
            assertThat(c.get("/api/me", c.login("alex")).json().get("id").asLong()).isEqualTo(alex);
            assertThat(c.operator("GET", "/api/operator/patients", null).json().get("items")).hasSize(3);
        }
    }

    @Test
    void signUpValidatesLikeTheOperatorsCreate() {
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            TestClinic.Response missing = c.call("POST", "/api/signup", null, "{\"name\":\"A\"}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().get("error").asText()).contains("dateOfBirth");
            TestClinic.Response badDate = c.call("POST", "/api/signup", null, "{\"name\":\"A\",\"dateOfBirth\":\"29/02/1980\","
                    + "\"nhsNumber\":\"9990000018\",\"username\":\"a\",\"email\":\"a@b.invalid\",\"password\":\"p\"}");
            assertThat(badDate.status()).isEqualTo(400);
            assertThat(badDate.json().get("error").asText()).contains("dateOfBirth");
            assertThat(c.call("POST", "/api/signup", null, "{\"name\":").status()).isEqualTo(400);
            assertThat(c.call("POST", "/api/signup", null, "{\"name\":\"A\",\"dateOfBirth\":\"1980-02-29\",\"nhsNumber\":\"9990000018\","
                    + "\"username\":\"a\",\"email\":\"a@b.invalid\",\"password\":7}").status()).isEqualTo(400);
            assertThat(c.operator("GET", "/api/operator/patients", null).json().get("items")).isEmpty();
        }
    }

    @Test
    void operatorDeleteRemovesASignedUpPatient() {
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            long id = c.signup("ann").json().get("patientId").asLong();
            String token = c.login("ann");
            assertThat(c.operator("DELETE", "/api/operator/patients/" + id, null).status()).isEqualTo(204);
            assertThat(c.get("/api/me", token).status()).isEqualTo(401);
            assertThat(c.call("POST", "/api/login", null, "{\"username\":\"ann\",\"password\":\"" + TestClinic.PASSWORD + "\"}").status())
                    .isEqualTo(401);
            assertThat(c.signup("ann").status()).as("the username is free again").isEqualTo(201);
        }
    }

    @Test
    void olderReleasesHaveNoSignUpNoDocumentsAndNoAccountId() {
        try (TestClinic c = TestClinic.start(dir, "2.0.0")) {
            assertThat(c.signup("ann").status()).isEqualTo(404);
            c.createPatient("bob");
            String bob = c.login("bob");
            assertThat(c.get("/api/documents", bob).status()).isEqualTo(404);
            assertThat(c.get("/api/documents/1/download", bob).status()).isEqualTo(404);
            assertThat(c.upload(bob, 1, "x", "application/pdf", TestClinic.pdf("x")).status()).isEqualTo(404);
            assertThat(c.get("/api/me", bob).json().has("accountId")).isFalse();
            assertThat(c.operator("GET", "/api/operator/patients", null).json().get("items").get(0).has("accountId")).isFalse();
        }
    }

    @Test
    void release210KeepsThe200Features() {
        assertThat(Releases.hasVideo("1.4.0")).isFalse();
        assertThat(Releases.hasVideo("2.0.0")).isTrue();
        assertThat(Releases.hasVideo("2.1.0")).isTrue();
        assertThat(Releases.hasDocuments("2.0.0")).isFalse();
        assertThat(Releases.hasDocuments("2.1.0")).isTrue();
        assertThat(Releases.hasDocuments("9.9.9")).isFalse();
        try (TestClinic c = TestClinic.start(dir, "2.1.0")) {
            assertThat(c.get("/health", null).body()).isEqualTo("{\"status\":\"UP\",\"release\":\"2.1.0\"}");
            c.createPatient("ann");
            String ann = c.login("ann");
            long consultation = c.book(ann, SLOT);
            c.step(consultation, "start");
            JsonNode switched = c.step(consultation, "switch-to-video");
            assertThat(switched.get("mode").asText()).isEqualTo("VIDEO");
            JsonNode completed = c.step(consultation, "complete");
            assertThat(c.listing(ann)).containsExactlyElementsOf(TestClinic.ids(completed.get("recordingIds"))).hasSize(2);
        }
    }
}

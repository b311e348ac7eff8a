package dev.cordon.clinic.web;

import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.NewPatient;
import dev.cordon.clinic.store.Patient;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;

/**
 * Release 2.1.0: a patient signs themselves up (no auth). The answer carries both ids a patient now has: the
 * account id and the patient-record id the operator API and the login return.
 */
final class SignupApi {
    private final Services s;

    SignupApi(Services s) { this.s = s; }

    void register(Javalin app) {
        app.post("/api/signup", this::signup);
    }

    private void signup(Context ctx) {
        Http.privateResponse(s, ctx);
        NewPatient form = PatientForm.read(s, ctx);
        if (s.has(Fault.SIGNUP_REUSES_LOOKALIKE_ACCOUNT)) {
            Optional<Patient> lookalike = lookalikeAccount(form);
            if (lookalike.isPresent()) {
                Patient existing = lookalike.get();
                // The bug: the sign-up "finds" the account by a case-folded username and links the new login to it.
                if (!s.patients().linkLogin(existing.id(), form.username(), form.passwordHash())) {
                    throw new ApiError(409, "username already exists");
                }
                answer(ctx, existing);
                return;
            }
        }
        Patient created = s.patients().create(form).orElseThrow(() -> new ApiError(409, "username already exists"));
        answer(ctx, created);
    }

    /** Fault path: an existing patient whose username equals this one ignoring case (an exact match stays a 409). */
    private Optional<Patient> lookalikeAccount(NewPatient form) {
        if (s.patients().findByUsername(form.username()).isPresent()) throw new ApiError(409, "username already exists");
        List<Patient> matches = s.patients().findByUsernameIgnoringCase(form.username());
        return matches.isEmpty() ? Optional.empty() : Optional.of(matches.get(0));
    }

    private void answer(Context ctx, Patient p) {
        Http.json(s, ctx, 201, Http.map("accountId", p.accountId(), "patientId", p.id()));
    }
}

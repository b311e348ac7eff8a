package dev.cordon.clinic.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.clinic.store.NewPatient;
import dev.cordon.clinic.store.Passwords;
import io.javalin.http.Context;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** The registration body the operator's create and the patient's own sign-up share, with the same validation. */
final class PatientForm {
    private PatientForm() {}

    /** Reads and validates {@code {name, dateOfBirth, nhsNumber, username, email, password, externalRef?}}; 400 otherwise. */
    static NewPatient read(Services s, Context ctx) {
        return of(Http.body(s, ctx));
    }

    /** The same validation for one registration of a JSON body that is already parsed (an item of a batch). */
    static NewPatient of(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiError.badRequest("a patient must be a JSON object");
        String name = Http.text(body, "name");
        String dob = Http.text(body, "dateOfBirth");
        String nhsNumber = Http.text(body, "nhsNumber");
        String username = Http.text(body, "username");
        String email = Http.text(body, "email");
        String password = Http.text(body, "password");
        String externalRef = Http.optionalText(body, "externalRef");
        LocalDate dateOfBirth;
        try {
            dateOfBirth = LocalDate.parse(dob);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("field dateOfBirth must be a date like 1980-02-29");
        }
        return new NewPatient(name, dateOfBirth, nhsNumber, username, email, Passwords.hash(password), externalRef);
    }
}

package dev.cordon.clinic.fhir;

/** Who is calling the FHIR face: the operator (system scope), a patient (patient/*.read) or nobody. */
record Caller(Kind kind, long patientId) {
    enum Kind { OPERATOR, PATIENT, ANONYMOUS }

    static final Caller OPERATOR = new Caller(Kind.OPERATOR, 0);
    static final Caller ANONYMOUS = new Caller(Kind.ANONYMOUS, 0);

    static Caller patient(long id) { return new Caller(Kind.PATIENT, id); }

    boolean isPatient() { return kind == Kind.PATIENT; }

    String patientReference() { return "Patient/" + patientId; }
}

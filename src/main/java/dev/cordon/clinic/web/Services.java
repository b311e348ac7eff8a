package dev.cordon.clinic.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.store.Consultations;
import dev.cordon.clinic.store.Documents;
import dev.cordon.clinic.store.Patients;
import dev.cordon.clinic.store.Recordings;

import java.util.Set;

/** What the HTTP layer of one running clinic works with. {@code documents} is null before release 2.1.0. */
public record Services(String release, Set<Fault> faults, int pageSize, String operatorSecret,
                       Patients patients, Consultations consultations, Recordings recordings, Documents documents,
                       Sessions sessions, ObjectMapper json) {
    public boolean has(Fault fault) { return faults.contains(fault); }
}

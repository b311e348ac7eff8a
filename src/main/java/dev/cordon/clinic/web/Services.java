package dev.cordon.clinic.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.clinic.Fault;
import dev.cordon.clinic.Releases;
import dev.cordon.clinic.store.CareRecords;
import dev.cordon.clinic.store.Consultations;
import dev.cordon.clinic.store.Documents;
import dev.cordon.clinic.store.Patients;
import dev.cordon.clinic.store.Recordings;

import java.util.Set;

/**
 * What the HTTP layer of one running clinic works with. {@code documents} is null before release 2.1.0,
 * {@code careRecords} before 2.2.0.
 */
public record Services(String release, Set<Fault> faults, int pageSize, String operatorSecret,
                       Patients patients, Consultations consultations, Recordings recordings, Documents documents,
                       CareRecords careRecords, Sessions sessions, ObjectMapper json) {
    public boolean has(Fault fault) { return faults.contains(fault); }

    /**
     * True when the fault is named and this release has its code path: for a fault that lives in a path older releases
     * also have (a delete), so that naming it on an older release does nothing, as {@link Fault#since()} promises.
     */
    public boolean active(Fault fault) { return has(fault) && Releases.atLeast(release, fault.since()); }

    /** True on release 2.2.0 and later: care records exist. */
    public boolean hasCareRecords() { return careRecords != null; }
}

package dev.cordon.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.adapter.ItemListing;
import dev.cordon.adapter.PatientSession;
import dev.cordon.adapter.TargetApi;
import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerException;
import dev.cordon.ledger.LedgerItem;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Sessions;
import dev.cordon.profile.Profile;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Intents the seed phase wrote but never closed: a write whose answer did not come back because the process was killed
 * (or the write failed) before the item line was appended. The target may have made the item all the same, and then
 * it sits in its patient's listing with no ledger line: once, that read as UNKNOWN_IN_LISTING, a false BREACH. Before
 * any check, phase verify reads back each such patient's own listings and records what the ledger does not know as
 * the patient's, marked reconciled and partial: seen anywhere else it is a leak, absent it is no loss.
 */
final class OpenIntents {
    static final String VIA = "reconciled-open-intent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenIntents() {
    }

    /** What settling did: patients read back, items adopted, patients that could not be read, account intents without a patient. */
    record Settled(int patients, int adopted, int unreadable, int accountsWithoutRecord) {
        static final Settled NONE = new Settled(0, 0, 0, 0);

        String describe() {
            return "%d patient(s) had writes whose answers never reached the ledger; their own listings were read back and %d item(s)"
                    .formatted(patients, adopted) + " the ledger did not know were recorded as theirs (reconciled)"
                    + (unreadable > 0 ? "; " + unreadable + " could not be read back (their checks say so)" : "")
                    + (accountsWithoutRecord > 0 ? "; " + accountsWithoutRecord + " account intent(s) have no patient line" : "");
        }
    }

    static Settled settle(Ledger ledger, TargetApi target, Sessions sessions, String release) {
        Map<String, Set<String>> open = openItemIntents(ledger);
        if (open.isEmpty()) {
            return Settled.NONE;
        }
        int patients = 0;
        int adopted = 0;
        int unreadable = 0;
        int withoutRecord = 0;
        for (Map.Entry<String, Set<String>> entry : open.entrySet()) {
            LedgerPatient patient = ledger.patient(entry.getKey()).orElse(null);
            if (patient == null) {
                withoutRecord++;
                continue;
            }
            patients++;
            try {
                PatientSession session = sessions.of(target, patient);
                for (Profile.Resource resource : target.profile().resources().values()) {
                    if (!resource.appliesTo(release) || resource.listings().isEmpty()) {
                        continue;
                    }
                    Profile.Listing listing = resource.listings().values().iterator().next();
                    ItemListing seen = target.list(listing, session, patient.values(), Map.of(), Map.of());
                    for (String id : seen.itemIds()) {
                        if (ledger.item(resource.name(), id).isEmpty()) {
                            ledger.recordItem(new LedgerItem(resource.name(), id, patient.key(), patient.cohort(), VIA, true, true));
                            adopted++;
                        }
                    }
                }
            } catch (RuntimeException e) {
                unreadable++;
            }
        }
        return new Settled(patients, adopted, unreadable, withoutRecord);
    }

    /**
     * Per patient, the recipe runs ({@code what} of an intent, the {@code via} of its items) that have an intent and no
     * item, read from the ledger file (intents are not held in memory). Account intents are reported as the patient key
     * with an "account" entry when the patient has no line.
     */
    static Map<String, Set<String>> openItemIntents(Ledger ledger) {
        Map<String, Set<String>> intents = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(ledger.path(), StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.contains("\"type\":\"intent\"")) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException torn) {
                    continue; // a torn fragment: Ledger.load already reported it
                }
                intents.computeIfAbsent(node.path("patientKey").asText(), k -> new LinkedHashSet<>()).add(node.path("what").asText());
            }
        } catch (IOException e) {
            throw new LedgerException("cannot read the intents of the ledger " + ledger.path() + ": " + e.getMessage(), e);
        }
        Map<String, Set<String>> made = new LinkedHashMap<>();
        for (LedgerItem item : ledger.items()) {
            made.computeIfAbsent(item.patientKey(), k -> new HashSet<>()).add(item.via());
        }
        Map<String, Set<String>> open = new LinkedHashMap<>();
        intents.forEach((patientKey, whats) -> {
            Set<String> left = new LinkedHashSet<>(whats);
            left.removeAll(made.getOrDefault(patientKey, Set.of()));
            if (ledger.patient(patientKey).isPresent()) {
                left.remove("account");
            }
            if (!left.isEmpty()) {
                open.put(patientKey, left);
            }
        });
        return open;
    }
}

package dev.cordon.extension;

import org.apiguardian.api.API;

/**
 * An item the ledger gives to a synthetic patient, settled (its recipe run finished): its resource (the profile's name,
 * e.g. {@code media}) and the id the target gave it. What the patient's listings must hold, and may open.
 */
@API(status = API.Status.STABLE, since = "3.0")
public record Item(String resource, String id) {
}

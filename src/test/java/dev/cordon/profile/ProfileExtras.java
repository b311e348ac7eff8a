package dev.cordon.profile;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a profile declares for steps written in its own words (issue "QA engineers extend Cordon"), kept apart from the
 * rest of the profile: named extra requests ({@code requests:}, e.g. signOut) and filtered listings
 * ({@code resources.R.filtered:}), each a listing with a filter the oracle applies to the ledger.
 */
public record ProfileExtras(Map<String, NamedRequest> requests, Map<String, List<FilteredListing>> filteredByResource) {
    public static final ProfileExtras NONE = new ProfileExtras(Map.of(), Map.of());

    /** A request with a name of the profile's choosing, sent by an actor (e.g. signOut: POST /api/logout as the patient). */
    public record NamedRequest(String name, Profile.Actor as, Profile.Request request) {
    }

    /**
     * A listing that holds a subset of the caller's items: one request per own item of the resource {@code by} (its id
     * fills {@code ${by}} in the request), which must hold exactly the caller's items of the listing's resource made in
     * the same recipe run as that item — no other of the caller's own (the filter was ignored), none of anyone else's.
     */
    public record FilteredListing(Profile.Listing listing, String by) {
        public String name() {
            return listing.name();
        }
    }

    public Optional<NamedRequest> request(String name) {
        return Optional.ofNullable(requests.get(name));
    }

    public List<FilteredListing> filtered(String resource) {
        return filteredByResource.getOrDefault(resource, List.of());
    }
}

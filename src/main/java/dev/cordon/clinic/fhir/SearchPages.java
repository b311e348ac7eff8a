package dev.cordon.clinic.fhir;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;

import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * One search's results, loaded page by page from the database. HAPI's paging provider keeps this object
 * between the first page and the pages reached through the Bundle's next link ({@code ?_getpages=...}), so
 * whatever criteria it holds are the criteria of every page.
 */
final class SearchPages implements IBundleProvider {
    /** Loads the resources of matches [from, to): the matches themselves first, then any include entries. */
    @FunctionalInterface
    interface Loader { List<IBaseResource> load(int from, int to); }

    private final String uuid = UUID.randomUUID().toString();
    private final InstantType published = new InstantType(new Date());
    private final int size;
    private final Integer preferredPageSize;
    private final Loader loader;

    SearchPages(int size, Integer preferredPageSize, Loader loader) {
        this.size = size;
        this.preferredPageSize = preferredPageSize;
        this.loader = loader;
    }

    @Override
    public IPrimitiveType<Date> getPublished() { return published; }

    @Override
    public List<IBaseResource> getResources(int from, int to) {
        int end = Math.min(to, size);
        if (from >= end) return List.of();
        return loader.load(from, end);
    }

    @Override
    public String getUuid() { return uuid; }

    @Override
    public Integer preferredPageSize() { return preferredPageSize; }

    @Override
    public Integer size() { return size; }
}

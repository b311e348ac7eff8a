package dev.cordon.adapter;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Every page of one caller's listing, as fetched: the item ids in order, each page's observation and ids, and per page
 * the ids of the related things the profile declares for the listing (included resources, patient accounts), by name.
 */
public record ItemListing(String listing, List<String> itemIds, List<Observation> pages, List<List<String>> idsByPage,
                          Integer reportedTotal, List<Map<String, List<String>>> relatedByPage) {
    public ItemListing(String listing, List<String> itemIds, List<Observation> pages, List<List<String>> idsByPage,
                       Integer reportedTotal) {
        this(listing, itemIds, pages, idsByPage, reportedTotal, List.of());
    }

    /** The page (1-based) on which an item was seen, and the request of that page; null when not seen. */
    public String whereSeen(String itemId) {
        for (int i = 0; i < idsByPage.size(); i++) {
            if (idsByPage.get(i).contains(itemId)) {
                return "page " + (i + 1) + " (" + pages.get(i).request() + ")";
            }
        }
        return null;
    }

    /** The ids of one kind of related thing over all pages, each once, in the order first seen. */
    public List<String> relatedIds(String name) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        relatedByPage.forEach(page -> ids.addAll(page.getOrDefault(name, List.of())));
        return List.copyOf(ids);
    }

    /** The page on which a related thing was first seen, and that page's request; null when not seen. */
    public String whereSeenRelated(String name, String id) {
        for (int i = 0; i < relatedByPage.size() && i < pages.size(); i++) {
            if (relatedByPage.get(i).getOrDefault(name, List.of()).contains(id)) {
                return "page " + (i + 1) + " (" + pages.get(i).request() + ")";
            }
        }
        return null;
    }

    public List<String> requests() {
        List<String> requests = new ArrayList<>();
        pages.forEach(p -> requests.add(p.request() + " -> " + p.status()));
        return requests;
    }
}

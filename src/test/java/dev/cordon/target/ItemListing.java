package dev.cordon.target;

import java.util.ArrayList;
import java.util.List;

/** Every page of one caller's listing, as fetched: the item ids in order, each page's observation and ids. */
public record ItemListing(String listing, List<String> itemIds, List<Observation> pages, List<List<String>> idsByPage,
                          Integer reportedTotal) {
    /** The page (1-based) on which an item was seen, and the request of that page; null when not seen. */
    public String whereSeen(String itemId) {
        for (int i = 0; i < idsByPage.size(); i++) {
            if (idsByPage.get(i).contains(itemId)) {
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

package dev.cordon.target;

import java.util.List;

/** Every page of one caller's replay listing, as fetched: the recording ids in order and each page's observation. */
public record ReplayListing(List<String> recordingIds, List<Observation> pages, Integer reportedTotal) {
}

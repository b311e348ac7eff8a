package dev.cordon.profile;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A target described as data (environments/profiles/NAME.yaml, schema v2, docs/target-profile.md): who acts (the
 * operator and each patient, with their auth), how patient accounts come to exist and which of their ids owns data,
 * the owned resources with the recipe that creates them, every listing, every opener and write probe, run-level
 * fixtures, the tampering channels and the web page selectors. Nothing in it is ever evaluated as code.
 */
public record Profile(String name, String file, String description, Version version, Request health, OperatorAuth operator,
                      Patients patients, List<Step> fixtures, Map<String, Resource> resources, Tampering tampering,
                      Pages pages, ProfileExtras extras) {

    /** A profile without named requests or filtered listings (see {@link ProfileExtras}). */
    public Profile(String name, String file, String description, Version version, Request health, OperatorAuth operator,
                   Patients patients, List<Step> fixtures, Map<String, Resource> resources, Tampering tampering, Pages pages) {
        this(name, file, description, version, health, operator, patients, fixtures, resources, tampering, pages, ProfileExtras.NONE);
    }

    /** The variant of a recipe run in which patients switch a consultation's mode mid-call (steps may be limited to it). */
    public static final String SWITCH_VARIANT = "switch-to-video";

    /** Who performs a request. */
    public enum Actor { operator, patient, anonymous }

    /** One HTTP request template: {name} placeholders in the path, ${name} in query, header and body values. */
    public record Request(String key, String method, String path, Map<String, String> query, Map<String, String> headers,
                          JsonNode json, Map<String, String> form, Multipart multipart) {
        public String describe() {
            return method + " " + path;
        }
    }

    /** A multipart/form-data body: text fields and one synthetic file of a content type. */
    public record Multipart(Map<String, String> fields, String fileField, String fileName, String contentType) {
    }

    /** One step of a recipe or fixture: an actor, a request, values to extract, and which extracted ids are owned items. */
    public record Step(String key, Actor as, Request request, Map<String, ValuePath> extract, Map<String, ValuePath> owns,
                       String variant, String since) {
        public boolean writes() {
            return !"GET".equals(request.method()) && !"HEAD".equals(request.method());
        }
    }

    /** Where the running release is read: a JSON path of an answer, a response header, or nowhere (none). */
    public record Version(Request request, ValuePath json, String header) {
        public static final Version NONE = new Version(null, null, null);

        public boolean declared() {
            return request != null;
        }
    }

    /** How the operator authenticates: header (any name, optional prefix, may be empty), basic, or login (bearer). */
    public record OperatorAuth(String style, String header, String prefix, String user, Request login, ValuePath token) {
    }

    /** How patient accounts are made, log in, say who they are, are listed and are removed. */
    public record Patients(Step signup, Step create, CreateBatch createBatch, String ownerKey, Request login, Session session,
                           Request whoAmI, ValuePath whoAmIId, Listing list, Request delete, List<Step> setup,
                           String accountKey) {
        public Patients(Step signup, Step create, CreateBatch createBatch, String ownerKey, Request login, Session session,
                        Request whoAmI, ValuePath whoAmIId, Listing list, Request delete) {
            this(signup, create, createBatch, ownerKey, login, session, whoAmI, whoAmIId, list, delete, List.of(), ownerKey);
        }

        public Patients(Step signup, Step create, String ownerKey, Request login, Session session, Request whoAmI,
                        ValuePath whoAmIId, Listing list, Request delete) {
            this(signup, create, null, ownerKey, login, session, whoAmI, whoAmIId, list, delete);
        }

        /** Whether the owner key comes from a per-account set-up step (known only once that step ran). */
        public boolean ownerKeyFromSetup() {
            return setup.stream().anyMatch(s -> s.extract().containsKey(ownerKey));
        }

        /** The step that creates an account on the given release: sign-up where declared and supported, else the operator's create. */
        public Optional<Step> creation(String release) {
            if (signup != null && Releases.atLeast(release, signup.since())) {
                return Optional.of(signup);
            }
            return Optional.ofNullable(create);
        }

        /**
         * The bulk form of the operator's create, on a release where accounts are made by {@code create} (not sign-up)
         * and the batch is declared for it ({@code since}); empty otherwise: accounts are then made one by one.
         */
        public Optional<CreateBatch> batchCreation(String release) {
            if (createBatch == null || creation(release).orElse(null) != create || !Releases.atLeast(release, createBatch.since())) {
                return Optional.empty();
            }
            return Optional.of(createBatch);
        }
    }

    /**
     * Several accounts in one request, made by the operator (patients.createBatch): up to {@code size} patients per
     * request, the body {@code {<wrapper>: [item, ...]}} (or the bare array without a wrapper) where each item is the
     * {@code item} template filled with one patient's values; the answer's {@code items} are matched to the patients
     * asked for, by position or by the patient value {@code matchBy} found at {@code matchAt} in each answer item,
     * and {@code extract} is applied to each answer item.
     */
    public record CreateBatch(String key, Request request, int size, String wrapper, JsonNode item, ValuePath items,
                              Map<String, ValuePath> extract, String matchBy, ValuePath matchAt, String since) {
        public boolean matchesByPosition() {
            return matchBy == null;
        }

        public String describeMatch() {
            return matchesByPosition() ? "by position" : "by " + matchBy + " at " + matchAt;
        }
    }

    /** How a logged-in patient proves who they are: a bearer token, a session cookie, or a token in a header. */
    public record Session(String style, ValuePath token, String cookie, String header, String prefix) {
    }

    /** A kind of owned item with its words, recipe, listings, openers and write probes. */
    public record Resource(String name, String one, String many, String since, List<Step> recipe,
                           Map<String, Listing> listings, Map<String, Opener> openers, Map<String, WriteProbe> writeProbes,
                           Integer count, Deletion delete, Request readBack) {
        public Resource(String name, String one, String many, String since, List<Step> recipe,
                        Map<String, Listing> listings, Map<String, Opener> openers, Map<String, WriteProbe> writeProbes) {
            this(name, one, many, since, recipe, listings, openers, writeProbes, null, null, null);
        }

        /** Recipe runs per patient: the resource's own count, or the population's consultations per patient. */
        public int countPerPatient(int populationDefault) {
            return count == null ? populationDefault : count;
        }

        public boolean appliesTo(String release) {
            return Releases.atLeast(release, since);
        }

        public boolean hasVariant(String variant) {
            return recipe.stream().anyMatch(step -> variant.equals(step.variant()));
        }
    }

    /**
     * A listing: the request of its first page, how it pages, where its items and their ids are, and what else its
     * answers may carry (related items of other resources, or patient accounts) that must be the caller's too.
     */
    public record Listing(String name, String resource, Request request, Paging paging, ValuePath items, ValuePath id,
                          Map<String, ValuePath> fields, Map<String, Related> related) {
        public Listing(String name, String resource, Request request, Paging paging, ValuePath items, ValuePath id,
                       Map<String, ValuePath> fields) {
            this(name, resource, request, paging, items, id, fields, Map.of());
        }
    }

    /** The name under {@code related:} that means patient accounts (judged by the owner key) rather than a resource. */
    public static final String ACCOUNTS = "patients";

    /**
     * Other things a listing's answers may hold beside its own items (a search's included resources, the patient
     * record itself): {@code name} is a resource of the profile or {@link #ACCOUNTS}. Every one seen must belong to the
     * caller; unlike the listing's own items, an absent one is not missing (an include holds only what is referenced).
     */
    public record Related(String name, ValuePath items, ValuePath id) {
    }

    /** page-size, offset-limit, next-link, cursor or none. */
    public record Paging(String style, String page, String size, int first, String offset, String limit, String cursor,
                         ValuePath next, ValuePath total) {
    }

    /** A by-id read of an item ({id} in the path): metadata, media, a download, a sub-resource. */
    public record Opener(String name, String resource, Request request) {
    }

    /**
     * A write to an item ({id} in the path) that must be refused for anyone but its owner, and must not take effect.
     * Its body is the request's own template, or (with {@code from}) the owner's view of the item read through that
     * opener, with the {@code set} fields changed to marker values. The owner reads the item back through {@code verify}
     * afterwards: the change (or, for DELETE, the removal) found there is what proves the write was applied.
     */
    public record WriteProbe(String name, String resource, Request request, String from, Map<String, String> set, String verify) {
        public WriteProbe(String name, String resource, Request request) {
            this(name, resource, request, null, Map.of(), null);
        }

        public boolean removes() {
            return "DELETE".equals(request.method());
        }
    }

    /**
     * How one item is removed (for cleanup, and to prove that a delete removes): the request, by its owner or the
     * operator. Whether it is gone is read back through the resource's {@code readBack} (the operator's by-id read:
     * 404/410 means gone; it also confirms removal after the owner's account is gone), else the owner's first opener.
     */
    public record Deletion(Actor as, Request request) {
    }

    /** Channels through which a request might select another owner. */
    public record Tampering(List<String> query, List<String> headers, List<String> body) {
        public boolean any() {
            return !query.isEmpty() || !headers.isEmpty() || !body.isEmpty();
        }
    }

    /** The web page that shows one listing, with its CSS selectors (absent: the page check does not apply). */
    public record Pages(String resource, String listing, Map<String, String> selectors) {
        public String selector(String key) {
            String selector = selectors.get(key);
            if (selector == null) {
                throw new IllegalStateException("profile has no pages." + key);
            }
            return selector;
        }
    }

    public Resource resource(String name) {
        Resource resource = resources.get(name);
        if (resource == null) {
            throw new IllegalArgumentException("the profile " + file + " has no resource '" + name + "'; it has " + resources.keySet());
        }
        return resource;
    }

    /** The resource whose plural (or singular) word or name is {@code word}. */
    public Optional<Resource> resourceByWord(String word) {
        return resources.values().stream()
                .filter(r -> r.many().equalsIgnoreCase(word) || r.one().equalsIgnoreCase(word) || r.name().equalsIgnoreCase(word))
                .findFirst();
    }

    public boolean hasIdentity() {
        return patients.whoAmI() != null;
    }
}

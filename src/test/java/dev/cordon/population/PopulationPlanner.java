package dev.cordon.population;

import net.datafaker.Faker;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Plans a synthetic population deterministically from (seed, cohort): the same inputs give the same patients, so a
 * failing run can be replayed. Consultation slots are drawn from a small pool on purpose, so patients share slots —
 * the condition under which the June 2020 replay leak appeared.
 */
public final class PopulationPlanner {
    private static final Instant FIRST_SLOT = Instant.parse("2026-12-01T09:00:00Z");
    private static final int PATIENTS_PER_SLOT = 3;

    private final String runId;
    private final String emailDomain;
    private final int lookAlikeEvery;

    public PopulationPlanner(String runId, String emailDomain, int lookAlikeEvery) {
        this.runId = runId;
        this.emailDomain = emailDomain;
        this.lookAlikeEvery = lookAlikeEvery;
    }

    public PopulationPlan plan(String cohort, long seed, int patients, int consultationsPerPatient, boolean switchToVideo) {
        return plan(cohort, seed, patients, consultationsPerPatient, switchToVideo, List.of());
    }

    /**
     * As above; with {@code timesOfDay} (those an earlier cohort booked, see {@link PopulationPlan#timesOfDay()}) the
     * cohort books only at those times of day, on days of its own: a clinic reuses its daily slots, so whatever a
     * release files by time of day can land with a patient of an earlier cohort.
     */
    public PopulationPlan plan(String cohort, long seed, int patients, int consultationsPerPatient, boolean switchToVideo,
                               List<LocalTime> timesOfDay) {
        List<LocalTime> times = timesOfDay.stream().distinct().sorted().toList();
        long cohortSeed = seed ^ cohort.hashCode() * 0x9E3779B97F4A7C15L;
        Faker faker = new Faker(Locale.UK, new Random(cohortSeed));
        Random random = new Random(cohortSeed);
        int slotPool = Math.max(1, patients * consultationsPerPatient / PATIENTS_PER_SLOT);
        if (!times.isEmpty()) {
            slotPool = Math.min(slotPool, times.size());
        }
        String tag = runTag();
        List<SyntheticPatient> planned = new ArrayList<>(patients);
        for (int i = 0; i < patients; i++) {
            String given = faker.name().firstName();
            String family = faker.name().lastName();
            String key = cohortPrefix(cohort) + String.format("%04d", i + 1);
            String username = (slug(given) + "." + slug(family) + "." + tag + "." + key).toLowerCase(Locale.ROOT);
            if (lookAlikeEvery > 0 && i % lookAlikeEvery == lookAlikeEvery - 1 && i > 0) {
                // Differs from the previous patient's username only in letter case: catches case-insensitive logins.
                username = lookAlikeOf(planned.get(i - 1).username());
            }
            LocalDate born = LocalDate.of(1930, 1, 1).plusDays(random.nextInt(365 * 75));
            String nhs = NhsNumber.synthetic(Math.floorMod((int) (cohortSeed % 900_000) + i * 37, 1_000_000));
            List<PlannedConsultation> consultations = new ArrayList<>();
            List<Integer> usedSlots = new ArrayList<>();
            for (int c = 0; c < consultationsPerPatient; c++) {
                int slot;
                do {
                    slot = random.nextInt(slotPool);
                } while (usedSlots.contains(slot) && usedSlots.size() < slotPool);
                usedSlots.add(slot);
                Instant at = times.isEmpty() ? firstSlot(cohort).plus(Duration.ofMinutes(15L * slot))
                        : firstSlot(cohort).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofNanos(times.get(slot).toNanoOfDay()));
                consultations.add(new PlannedConsultation(at,
                        "Dr " + faker.name().lastName(), switchToVideo));
            }
            String email = username.toLowerCase(Locale.ROOT).replace('.', '_') + "@" + emailDomain;
            planned.add(new SyntheticPatient(key, cohort, given + " " + family, born, nhs, username, email,
                    externalRef(), List.copyOf(consultations)));
        }
        return new PopulationPlan(cohort, seed, List.copyOf(planned));
    }

    /** The run tag every synthetic patient carries in a field the target keeps, so cleanup can find it. */
    public String externalRef() {
        return "cordon-synthetic:" + runId;
    }

    /** The run tag every synthetic record carries, e.g. in externalRef. */
    public static final String TAG_PREFIX = "cordon-synthetic:";

    public static boolean isSyntheticRef(String externalRef) {
        return externalRef != null && externalRef.startsWith("cordon-synthetic:");
    }

    public static String runOf(String externalRef) {
        return isSyntheticRef(externalRef) ? externalRef.substring("cordon-synthetic:".length()) : null;
    }

    static String lookAlikeOf(String username) {
        char[] chars = username.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (Character.isLetter(chars[i])) {
                chars[i] = Character.isUpperCase(chars[i]) ? Character.toLowerCase(chars[i]) : Character.toUpperCase(chars[i]);
                break;
            }
        }
        return new String(chars);
    }

    private String runTag() {
        // A verify shard plans its own patients under "RUN-sIofN": keep the run's tag and add the shard, so shards
        // of one run never share a username, nor shards of different runs.
        java.util.regex.Matcher shard = java.util.regex.Pattern.compile("^(.*)-(s\\d+of\\d+)$").matcher(runId);
        String run = shard.matches() ? shard.group(1) : runId;
        String compact = run.replaceAll("[^A-Za-z0-9]", "");
        return compact.substring(Math.max(0, compact.length() - 6)).toLowerCase(Locale.ROOT) + (shard.matches() ? shard.group(2) : "");
    }

    /**
     * Each cohort books on days of its own (a slot is shared within its cohort); the mid-call switch cohort books at the
     * times of day of the first cohort (see {@link #plan(String, long, int, int, boolean, List)}), so a recording
     * misfiled by time of day lands in an earlier patient's listing, which the final sweep reads.
     */
    private static Instant firstSlot(String cohort) {
        int day = switch (cohort) {
            case "before-update" -> 0;
            case "after-update" -> 30;
            case "video-switch" -> 60;
            default -> 90 + Math.floorMod(cohort.hashCode(), 300);
        };
        return FIRST_SLOT.plus(Duration.ofDays(day));
    }

    private static String cohortPrefix(String cohort) {
        return switch (cohort) {
            case "before-update" -> "B";
            case "after-update" -> "A";
            case "video-switch" -> "V";
            default -> cohort.substring(0, 1).toUpperCase(Locale.ROOT);
        };
    }

    private static String slug(String s) {
        String slug = s.replaceAll("[^A-Za-z]", "");
        return slug.isEmpty() ? "x" : slug;
    }
}

package dev.cordon.gate;

/** rehearse: seed, update, verify in one run (Cordon performs the update). seed / verify: two runs around a deploy. */
public enum Phase {
    rehearse, seed, verify, cleanup
}

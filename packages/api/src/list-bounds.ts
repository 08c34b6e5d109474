// How much of the lists the contract carries, where host and UI must agree: a host that kept more finished
// transfers than the UI shows would hand a snapshot the UI trims at once, and the other way round the UI would wait
// for transfers the host has dropped.

/** Finished transfers a host keeps in its list and the UI shows (history keeps the record); the oldest finished go first. */
export const MAX_FINISHED_TRANSFERS = 200

/** History entries a snapshot (getState) carries, newest first; later entries arrive through onHistory. */
export const SNAPSHOT_HISTORY_ENTRIES = 200

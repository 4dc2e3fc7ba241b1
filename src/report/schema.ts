/**
 * The version of every JSON document the CLI prints (`schemaVersion`, README "JSON output"). Bump it
 * when a field is renamed, removed or changes meaning; adding a field keeps it.
 */
export const SCHEMA_VERSION = 2;

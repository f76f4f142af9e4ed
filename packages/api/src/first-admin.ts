// The first-start admin password's hand-over, in a module of its own so that `shiriki up` can read it
// without loading the HTTP server (entry point `@shiriki/api/first-admin`).

/**
 * `file`: write the first admin password only to its file, not to stdout (for supervisors such as
 * `shiriki up` that send a service's output to a log file and show the password themselves).
 */
export const ANNOUNCE_ENV = 'SHIRIKI_API_ANNOUNCE';

/** The file in `<data_dir>/api/` that keeps the first admin password (mode 0600) until it is changed. */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

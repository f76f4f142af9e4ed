// What a supervisor such as `shiriki up` needs to know about the api without loading the HTTP server
// (entry point `@shiriki/api/first-admin`): the first admin password's hand-over and the web UI's place.

/**
 * `file`: write the first admin password only to its file, not to stdout (for supervisors such as
 * `shiriki up` that send a service's output to a log file and show the password themselves).
 */
export const ANNOUNCE_ENV = 'SHIRIKI_API_ANNOUNCE';

/** Where the built web UI is when the config does not say (`api.web_dir`). */
export const WEB_DIR_ENV = 'SHIRIKI_WEB_DIR';

/** The file in `<data_dir>/api/` that keeps the first admin password (mode 0600) until it is changed. */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

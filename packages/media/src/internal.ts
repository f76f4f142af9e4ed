// Internals for benchmarks that measure the decoder's read path against bare limits; not a stable API.
export { openStdoutSocket, STDOUT_SOCKET_DEFAULTS } from './stdout-socket.js';
export type { SocketReadTarget, StdoutSocket } from './stdout-socket.js';

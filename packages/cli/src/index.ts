export { formatAlert, formatEvent, formatMotion } from './commands/tail.js';

/** Every error answer's body (see `ErrorSchema`): the status, its name and a message that says what to fix. */
export function errorBody(statusCode: number, error: string, message: string) {
  return { success: false as const, statusCode, error, message };
}

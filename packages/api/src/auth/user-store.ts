import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SqlDatabase } from '../index-db/sql-database.js';
import { BadRequestError } from '../errors.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

export type Role = 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'viewer'];

/** A user as routes see it: never with a password hash. */
export interface User {
  id: string;
  username: string;
  role: Role;
  must_change_password: boolean;
  created_at: number;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 10;
/** API tokens start with this, so secret scanners and people recognise them. */
export const TOKEN_PREFIX = 'shk_';

/** Session and API token secrets are stored only as their SHA-256. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

interface UserRow extends Record<string, unknown> {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  must_change_password: number;
  created_at: number;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role === 'admin' ? 'admin' : 'viewer',
    must_change_password: Number(row.must_change_password) === 1,
    created_at: Number(row.created_at),
  };
}

/** Users, login sessions and API tokens, in the same database as the event index. */
export class UserStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly sessionTtlMs: number,
  ) {}

  /**
   * On first start (no user at all) creates `admin` with a generated password and returns it; the caller
   * shows it once. Replicas racing on an empty database create one admin: the loser sees the username taken.
   */
  async ensureInitialAdmin(): Promise<{ username: string; password: string } | undefined> {
    const row = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM users`);
    if (Number(row?.n ?? 0) > 0) return undefined;
    const password = generatePassword();
    try {
      await this.#insert('admin', await hashPassword(password), 'admin', true);
    } catch (error) {
      if (await this.findByName('admin')) return undefined;
      throw error;
    }
    return { username: 'admin', password };
  }

  async create(username: string, password: string, role: Role): Promise<User> {
    if (!USERNAME.test(username)) {
      throw new BadRequestError('username: 1-64 of letters, digits, ".", "_", "@", "-"', 'username');
    }
    checkPassword(password);
    if (await this.findByName(username)) throw new BadRequestError(`user ${username} exists`, 'username');
    return this.#insert(username, await hashPassword(password), role, false);
  }

  async list(): Promise<User[]> {
    return (await this.db.all<UserRow>(`SELECT * FROM users ORDER BY username`)).map(toUser);
  }

  async findByName(username: string): Promise<User | undefined> {
    const row = await this.db.get<UserRow>(`SELECT * FROM users WHERE username = ?`, [username]);
    return row && toUser(row);
  }

  /** The user, when the password is theirs. Unknown users cost a hash too, so timing tells nothing. */
  async verify(username: string, password: string): Promise<User | undefined> {
    const row = await this.db.get<UserRow>(`SELECT * FROM users WHERE username = ?`, [username]);
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return ok && row ? toUser(row) : undefined;
  }

  async setPassword(userId: string, password: string): Promise<void> {
    checkPassword(password);
    await this.db.run(`UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?`, [
      await hashPassword(password),
      userId,
    ]);
    // Other sessions of that user end: a changed password is often a response to a leak.
    await this.db.run(`DELETE FROM sessions WHERE user_id = ?`, [userId]);
  }

  async delete(userId: string): Promise<boolean> {
    return (await this.db.run(`DELETE FROM users WHERE id = ?`, [userId])) > 0;
  }

  /** Starts a session; the returned secret goes into the cookie and is stored only hashed. */
  async createSession(userId: string, now = Date.now()): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await this.db.run(
      `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
      [secretHash(secret), userId, now, now + this.sessionTtlMs],
    );
    return secret;
  }

  /** The session's user, sliding its expiry forward; undefined for unknown or expired sessions. */
  async userForSession(secret: string, now = Date.now()): Promise<User | undefined> {
    const hash = secretHash(secret);
    const row = await this.db.get<UserRow & { expires_at: number }>(
      `SELECT u.*, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
      [hash],
    );
    if (!row) return undefined;
    if (Number(row.expires_at) <= now) {
      await this.db.run(`DELETE FROM sessions WHERE token_hash = ?`, [hash]);
      return undefined;
    }
    // Written at most once a minute per session, not on every request.
    if (Number(row.expires_at) - (now + this.sessionTtlMs) < -60_000) {
      await this.db.run(`UPDATE sessions SET expires_at = ? WHERE token_hash = ?`, [
        now + this.sessionTtlMs,
        hash,
      ]);
    }
    return toUser(row);
  }

  async endSession(secret: string): Promise<void> {
    await this.db.run(`DELETE FROM sessions WHERE token_hash = ?`, [secretHash(secret)]);
  }

  /** Creates an API token; the secret is returned once and stored only hashed. */
  async createToken(userId: string, name: string): Promise<{ token: string; info: ApiTokenInfo }> {
    if (name.length === 0 || name.length > 100) throw new BadRequestError('name: 1-100 characters', 'name');
    const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
    const info: ApiTokenInfo = { id: randomUUID(), name, created_at: Date.now(), last_used_at: null };
    await this.db.run(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
      [info.id, userId, name, secretHash(token), info.created_at],
    );
    return { token, info };
  }

  async listTokens(userId: string): Promise<ApiTokenInfo[]> {
    const rows = await this.db.all<{
      id: string;
      name: string;
      created_at: number;
      last_used_at: number | null;
    }>(`SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY created_at`, [
      userId,
    ]);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      created_at: Number(r.created_at),
      last_used_at: r.last_used_at === null ? null : Number(r.last_used_at),
    }));
  }

  async revokeToken(userId: string, tokenId: string): Promise<boolean> {
    return (await this.db.run(`DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, [tokenId, userId])) > 0;
  }

  async userForToken(token: string, now = Date.now()): Promise<User | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const hash = secretHash(token);
    const row = await this.db.get<UserRow & { last_used_at: number | null }>(
      `SELECT u.*, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
      [hash],
    );
    if (!row) return undefined;
    if (row.last_used_at === null || now - Number(row.last_used_at) > 60_000) {
      await this.db.run(`UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`, [now, hash]);
    }
    return toUser(row);
  }

  async #insert(username: string, passwordHash: string, role: Role, mustChange: boolean): Promise<User> {
    const user: User = {
      id: randomUUID(),
      username,
      role,
      must_change_password: mustChange,
      created_at: Date.now(),
    };
    await this.db.run(
      `INSERT INTO users (id, username, password_hash, role, must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [user.id, username, passwordHash, role, mustChange ? 1 : 0, user.created_at],
    );
    return user;
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 1024) {
    throw new BadRequestError(`password: ${MIN_PASSWORD_LENGTH} to 1024 characters`, 'password');
  }
}

/** A valid hash of a random password, verified against when the username is unknown. */
const DUMMY_HASH = `scrypt$32768$8$1$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

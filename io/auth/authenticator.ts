/**
 * Who is calling: the `x-api-key` header names the account (orders, cancels, queries,
 * risk checks); the admin token (`Authorization: Bearer <token>` or `x-admin-token`)
 * gates /admin/*. The admin token is compared in constant time (through a digest) so
 * response timing does not reveal how much of a guess was right.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { AccountTable } from '../../engine/reference/accounts.js';
import { RequestHeaders } from '../http/http_types.js';

export type AuthResult = { readonly ok: true; readonly account: number } | { readonly ok: false; readonly code: RejectCode };

export class Authenticator {
  private readonly admin_digest: Buffer | null;

  constructor(private readonly accounts: AccountTable, admin_token: string | null) {
    this.admin_digest = admin_token === null ? null : digest(admin_token);
  }

  /** The account an API key belongs to. */
  account(api_key: string | undefined): AuthResult {
    if (api_key === undefined || api_key === '') return { ok: false, code: RejectCode.MISSING_API_KEY };
    const account = this.accounts.indexOfKey(api_key);
    if (account < 0) return { ok: false, code: RejectCode.UNKNOWN_API_KEY };
    return { ok: true, account };
  }

  adminEnabled(): boolean {
    return this.admin_digest !== null;
  }

  isAdmin(headers: RequestHeaders): boolean {
    if (this.admin_digest === null) return false;
    let token = headers.admin_token;
    if (token === undefined && headers.authorization?.startsWith('Bearer ')) token = headers.authorization.slice(7);
    if (token === undefined) return false;
    return timingSafeEqual(digest(token), this.admin_digest);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Risk limits at run time. Limits are precomputed into the idle bank of two (off the hot
 * path, here on the io thread), then the engine is told to swap banks between two
 * commands. Operator overrides survive restarts in OMS_DATA_DIR/limits-overrides.json,
 * written atomically (temp file, fsync, rename, fsync directory) and asynchronously, so
 * the io thread keeps serving orders while the disk works.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AccountTable } from '../../engine/reference/accounts.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';
import { buildRiskLimits, LimitOverrides, RiskLimits } from '../../engine/reference/risk_limits.js';
import { saveFileDurably } from './save_file_durably.js';

const OVERRIDES_FILE = 'limits-overrides.json';

export class LimitsManager {
  private active_bank = 0;
  private pending_bank = -1;
  version = 1;
  overrides: LimitOverrides = {};
  /**
   * The save in progress and those queued behind it, one at a time in commit order: they
   * share a temp file, and the file must end with the last overrides committed.
   */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly banks: readonly [RiskLimits, RiskLimits],
    private readonly instruments: InstrumentTable,
    private readonly accounts: AccountTable,
    private readonly data_dir: string | null,
  ) {}

  /** Builds bank 0 from the specs and any saved overrides; the engine starts on it. */
  initialize(): void {
    this.overrides = this.loadOverrides();
    buildRiskLimits(this.banks[0], this.instruments, this.accounts, this.version, this.overrides);
    this.active_bank = 0;
  }

  get activeBank(): number {
    return this.active_bank;
  }

  /** The bank the engine checks against now (read-only for callers). */
  activeLimits(): RiskLimits {
    return this.banks[this.active_bank];
  }

  swapInFlight(): boolean {
    return this.pending_bank >= 0;
  }

  /** Builds the idle bank; throws with a precise message if a value is unusable. */
  prepare(overrides: LimitOverrides): { bank: number; version: number } {
    if (this.pending_bank >= 0) throw new Error('a limits change is already in progress');
    const bank = 1 - this.active_bank;
    const version = this.version + 1;
    buildRiskLimits(this.banks[bank], this.instruments, this.accounts, version, overrides);
    this.pending_bank = bank;
    return { bank, version };
  }

  /**
   * The engine swapped: the new bank is live; remember the overrides, and save them. The
   * returned promise settles once they are on disk (or the save failed); the next change
   * may be prepared at once. The save runs even if the client who asked has gone: the
   * engine already uses these limits, so the file must follow.
   */
  commit(overrides: LimitOverrides, version: number): Promise<void> {
    this.active_bank = this.pending_bank;
    this.pending_bank = -1;
    this.version = version;
    this.overrides = overrides;
    return this.saveOverrides(overrides);
  }

  abort(): void {
    this.pending_bank = -1;
  }

  describe(): unknown {
    const bank = this.banks[this.active_bank];
    return {
      version: this.version,
      overrides: this.overrides,
      symbols: this.instruments.instruments.map((i) => ({
        symbol: i.spec.symbol,
        max_order_qty: this.instruments.lotsToText(i.index, bank.max_order_qty_lots[i.index]),
        max_order_notional: bank.max_order_notional_micros[i.index] / 1e6,
        collar_bps: bank.collar_bps[i.index],
      })),
      accounts: this.accounts.accounts.map((a, index) => ({
        account: a.name,
        credit_limit: bank.credit_limit_micros[index] / 1e6,
        max_open_orders: bank.max_open_orders[index],
        rate_per_sec: bank.rate_per_sec[index],
        burst: bank.burst[index],
        modify_rate_per_sec: bank.modify_rate_per_sec[index],
        modify_burst: bank.modify_burst[index],
        daily_loss_limit: bank.daily_loss_limit_micros[index] / 1e6,
        max_net_notional: limitOrNull(bank.max_net_notional_micros[index]),
        max_gross_notional: limitOrNull(bank.max_gross_notional_micros[index]),
        position_limits: Object.fromEntries(this.instruments.instruments.map((i) => [
          i.spec.symbol, this.instruments.lotsToText(i.index, bank.max_position_lots[index * this.instruments.count + i.index]),
        ])),
      })),
    };
  }

  private loadOverrides(): LimitOverrides {
    if (this.data_dir === null) return {};
    const file = path.join(this.data_dir, OVERRIDES_FILE);
    if (!fs.existsSync(file)) return {};
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as LimitOverrides;
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  }

  private saveOverrides(overrides: LimitOverrides): Promise<void> {
    const data_dir = this.data_dir;
    if (data_dir === null) return Promise.resolve();
    const text = JSON.stringify(overrides, null, 2);
    const saved = this.saving.then(() => saveFileDurably(data_dir, OVERRIDES_FILE, text));
    // A failed save fails its own commit only; the next one still runs.
    this.saving = saved.catch(() => undefined);
    return saved;
  }
}

/** A money limit in quote units, or null for none (Infinity in the bank). */
export function limitOrNull(micros: number): number | null {
  return micros === Infinity ? null : micros / 1e6;
}

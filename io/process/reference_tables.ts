/**
 * Start-up step 1: the reference tables every thread indexes by small integers, built
 * from the configuration (instruments first: accounts' limits are per symbol).
 */
import { AccountTable } from '../../engine/reference/accounts.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';
import type { OmsConfig } from '../config/oms_config.js';

export interface ReferenceTables {
  readonly instruments: InstrumentTable;
  readonly accounts: AccountTable;
}

export function loadReferenceTables(config: OmsConfig): ReferenceTables {
  const instruments = new InstrumentTable(config.instruments);
  const accounts = new AccountTable(config.accounts, instruments);
  return { instruments, accounts };
}

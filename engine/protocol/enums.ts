/**
 * Closed enums of the order model, as `as const` objects with explicit wire values and
 * a derived union type (nats.js style, not TS `enum`). Zero is never a valid value, so
 * an unwritten slot reads as "nothing". Numbers are part of the journal and wire
 * formats: never renumber, only append.
 */

export const Side = { BUY: 1, SELL: 2 } as const;
export type Side = (typeof Side)[keyof typeof Side];

/**
 * STOP and STOP_LIMIT trigger when the market moves against the order's side (a buy stop
 * on a rise), MARKET_IF_TOUCHED and LIMIT_IF_TOUCHED when it moves in its favour (a buy on
 * a fall); TRAILING_STOP and TRAILING_STOP_LIMIT are stops whose trigger follows the
 * market at a distance: see order_type_rules.ts. Once triggered an order works as MARKET
 * or LIMIT.
 */
export const OrderType = {
  MARKET: 1, LIMIT: 2, STOP: 3, STOP_LIMIT: 4, MARKET_IF_TOUCHED: 5, LIMIT_IF_TOUCHED: 6, TRAILING_STOP: 7, TRAILING_STOP_LIMIT: 8,
} as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

/**
 * How a trailing order's `trailing_offset` is measured (FIX PegOffsetType, tag 836: 0 price,
 * 1 basis points). Zero: not a trailing order.
 */
export const TrailingOffsetType = { PRICE: 1, BASIS_POINTS: 2 } as const;
export type TrailingOffsetType = (typeof TrailingOffsetType)[keyof typeof TrailingOffsetType];

export const TimeInForce = { DAY: 1, GTC: 2, IOC: 3, FOK: 4, GTD: 5 } as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

/** FIX OrdStatus semantics. NEW is the status of an order the engine has not yet accepted. */
export const OrderStatus = {
  NEW: 1,
  ACCEPTED: 2,
  PARTIALLY_FILLED: 3,
  FILLED: 4,
  CANCELED: 5,
  REPLACED: 6,
  REJECTED: 7,
  EXPIRED: 8,
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** Every state change the engine makes is one of these events, with a gap-free sequence. */
export const EventType = {
  ACCEPTED: 1,
  REJECTED: 2,
  FILL: 3,
  CANCELED: 4,
  REPLACED: 5,
  EXPIRED: 6,
  /** A stop, stop-limit, market- or limit-if-touched order's trigger price was reached; it now works as market or limit. */
  TRIGGERED: 7,
  /** Kill switch engaged or released (account, or all accounts when account is -1). */
  KILL_SWITCH: 8,
  /** Symbol halted or resumed. */
  SYMBOL_HALT: 9,
  /** A new risk-limit table took effect (the version is in the event). */
  LIMITS_SWAPPED: 10,
  /** The engine's state hash at this sequence, for snapshot verification. */
  STATE_HASH: 11,
  /** An account's (or, account -1, the global) trading state changed; the state is in flag. */
  TRADING_STATE: 12,
  /**
   * A trailing order's trigger (and, trailing-stop-limit, its limit price) followed the
   * market: the new values are in the event. Never back: a sell's trigger only rises, a buy's only falls.
   */
  TRIGGER_MOVED: 13,
  /**
   * A contingent order list was accepted (order_id: the list id, flag: ContingencyType,
   * qty_lots: its member count, cl_ord_id: the list_client_id); its members' ACCEPTED events
   * follow at once, in member order, each naming the list in `arg`.
   */
  ORDER_LIST: 14,
  /**
   * A list member's quantity changed because of its list (qty_lots: the new quantity; flag:
   * EVENT_FLAG_HELD while still held): a held member (an OTO child, a bracket's exit)
   * released when its parent left the book with a fill, sized to what filled; or an OUO
   * member reduced by its sibling's fill.
   */
  LIST_UPDATED: 15,
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Commands the io thread (or an admin path) sends to the engine. */
export const CommandType = {
  NEW_ORDER: 1,
  CANCEL: 2,
  REPLACE: 3,
  /** Pre-trade risk dry run: answers approved/refused with a risk level, places nothing. */
  CHECK: 4,
  /** Cancel an account's open orders of one session, by time-in-force mask (cancel-on-disconnect). */
  MASS_CANCEL: 5,
  KILL_SWITCH: 6,
  SYMBOL_HALT: 7,
  LIMITS_SWAP: 8,
  /** Emit a STATE_HASH event at this point of the command stream. */
  STATE_HASH: 9,
  /** Read an account's current use of its limits (open orders, exposure, rate tokens); changes nothing. */
  ACCOUNT_STATUS: 10,
  /** Set an account's (account -1: the global) trading state (flag: TradingState). */
  TRADING_STATE: 11,
  /**
   * A contingent order list (flag: ContingencyType, arg: member count, cl_ord_id: the
   * list_client_id), followed at once by one LIST_MEMBER slot per member: accepted or
   * refused whole, with one reply.
   */
  NEW_ORDER_LIST: 12,
  /** One member of the NEW_ORDER_LIST before it, laid out as a NEW_ORDER; never a command on its own. */
  LIST_MEMBER: 13,
  /** Cancel every open member of a list (order_id: the list id). */
  CANCEL_LIST: 14,
} as const;
export type CommandType = (typeof CommandType)[keyof typeof CommandType];

/**
 * What an account may do, set by an operator per account and globally; the stricter of the
 * two applies. ACTIVE: anything. REDUCING: only reduce-only orders (new risk refused
 * TRADING_REDUCING). HALTED: only cancels (new orders and replaces refused TRADING_HALTED).
 * Ordered by strictness, so the larger number wins.
 */
export const TradingState = { ACTIVE: 1, REDUCING: 2, HALTED: 3 } as const;
export type TradingState = (typeof TradingState)[keyof typeof TradingState];

export const RiskLevel = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 } as const;
export type RiskLevel = (typeof RiskLevel)[keyof typeof RiskLevel];

/** Why an order left the book without a fill or a replace, carried on CANCELED/EXPIRED events. */
export const ExecReason = {
  NONE: 0,
  CLIENT_CANCEL: 1,
  KILL_SWITCH: 2,
  CANCEL_ON_DISCONNECT: 3,
  IOC_REMAINDER: 4,
  FOK_NOT_FILLABLE: 5,
  TIME_IN_FORCE_EXPIRED: 6,
  SYMBOL_HALTED: 7,
  /** A reduce-only order canceled at a fill because the position it was to reduce is gone. */
  REDUCE_ONLY_NO_POSITION: 8,
  /**
   * The order's list said so: an OCO sibling or a bracket's other exit filled, or an OTO
   * parent (a bracket's entry) left the book without a fill (its held children go with it).
   */
  LIST_CONTINGENCY: 9,
} as const;
export type ExecReason = (typeof ExecReason)[keyof typeof ExecReason];

/**
 * Order instructions, a bit set carried on the order (FIX ExecInst, tag 18). Zero: none.
 * POST_ONLY ('6', participate don't initiate): refused rather than take liquidity on
 * arrival. REDUCE_ONLY ('E', do not increase): may only reduce the account's position.
 */
export const ExecInst = { POST_ONLY: 1 << 0, REDUCE_ONLY: 1 << 1 } as const;
export type ExecInst = (typeof ExecInst)[keyof typeof ExecInst];
export const EXEC_INST_MASK = ExecInst.POST_ONLY | ExecInst.REDUCE_ONLY;

/**
 * How the members of a contingent order list depend on each other (FIX ContingencyType,
 * tag 1385: 1 OCO, 2 OTO, 3 OUO; BRACKET has no FIX value of its own: it is an OTO whose
 * two children are an OCO pair). See order_list_rules.ts and docs/ORDER_MODEL.md.
 */
export const ContingencyType = { OCO: 1, OTO: 2, OUO: 3, BRACKET: 4 } as const;
export type ContingencyType = (typeof ContingencyType)[keyof typeof ContingencyType];

/** A list's status as shown (FIX ListOrderStatus, tag 431): working members, every member final, refused. */
export const ListOrderStatus = { EXECUTING: 3, ALL_DONE: 6, REJECT: 7 } as const;
export type ListOrderStatus = (typeof ListOrderStatus)[keyof typeof ListOrderStatus];

/** Bits of a dry-run check's warnings: limits the order would bring close to their cap. */
export const RiskWarning = {
  ORDER_QTY_NEAR_LIMIT: 1 << 0,
  ORDER_NOTIONAL_NEAR_LIMIT: 1 << 1,
  POSITION_NEAR_LIMIT: 1 << 2,
  CREDIT_NEAR_LIMIT: 1 << 3,
  OPEN_ORDERS_NEAR_LIMIT: 1 << 4,
  PRICE_FAR_FROM_MARK: 1 << 5,
  DAILY_LOSS_NEAR_LIMIT: 1 << 6,
  THROTTLE_NEAR_LIMIT: 1 << 7,
  PORTFOLIO_NET_NEAR_LIMIT: 1 << 8,
  PORTFOLIO_GROSS_NEAR_LIMIT: 1 << 9,
} as const;
export type RiskWarning = (typeof RiskWarning)[keyof typeof RiskWarning];

export function isFinalStatus(status: number): boolean {
  return status === OrderStatus.FILLED || status === OrderStatus.CANCELED || status === OrderStatus.REPLACED
    || status === OrderStatus.REJECTED || status === OrderStatus.EXPIRED;
}

/** Name of a value in one of the enums above, for logs and JSON; undefined if not a member. */
export function nameOf<T extends Record<string, number>>(table: T, value: number): keyof T | undefined {
  for (const key in table) if (table[key] === value) return key;
  return undefined;
}

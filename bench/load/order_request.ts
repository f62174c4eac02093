/**
 * Pre-encoded `POST /orders` requests. Each side's request is encoded once into a
 * template whose client order id ends in a fixed-width run of digits; sending order `i`
 * copies the template and writes i's digits in place, so the hot path of the generator
 * neither builds strings nor serialises JSON. Sides alternate (even index buy, odd sell),
 * and the orders are IOC, so nothing rests and the OMS state does not grow with the run.
 */

export interface OrderRequestOptions {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
  readonly api_key?: string;
  /** Printable id prefix, unique per generator and run; the index is appended as ID_DIGITS digits. */
  readonly id_prefix: string;
  readonly symbol?: string;
  readonly quantity?: string;
  readonly price?: string;
  readonly order_type?: string;
  readonly time_in_force?: string;
}

/** Digits of the order index in the client order id (enough for 10^12 orders per generator). */
export const ID_DIGITS = 12;
export const CLIENT_ORDER_ID_MAX_LENGTH = 40;

interface Template {
  readonly bytes: Buffer;
  readonly digits_at: number;
}

export class OrderRequestEncoder {
  private readonly buy: Template;
  private readonly sell: Template;
  readonly id_prefix: string;

  constructor(options: OrderRequestOptions) {
    if (!/^[A-Za-z0-9._-]*$/.test(options.id_prefix) || options.id_prefix.length + ID_DIGITS > CLIENT_ORDER_ID_MAX_LENGTH) {
      throw new Error(`id prefix ${JSON.stringify(options.id_prefix)} must be [A-Za-z0-9._-] and at most ${CLIENT_ORDER_ID_MAX_LENGTH - ID_DIGITS} characters`);
    }
    this.id_prefix = options.id_prefix;
    this.buy = template(options, 'buy');
    this.sell = template(options, 'sell');
  }

  /** Bytes of order `index`'s request. */
  byteLength(index: number): number {
    return ((index & 1) === 0 ? this.buy : this.sell).bytes.length;
  }

  /** Writes order `index`'s request at `out[at]`; returns the bytes written. */
  encodeInto(index: number, out: Buffer, at: number): number {
    const t = (index & 1) === 0 ? this.buy : this.sell;
    t.bytes.copy(out, at);
    writeDigits(out, at + t.digits_at, index);
    return t.bytes.length;
  }

  clientOrderId(index: number): string {
    return this.id_prefix + String(index).padStart(ID_DIGITS, '0');
  }
}

/** The request body as the API documents it, with the id's digits zeroed. */
export function orderBody(options: OrderRequestOptions, side: 'buy' | 'sell', client_order_id: string): string {
  return JSON.stringify({
    symbol: options.symbol ?? 'BTCUSDT',
    side,
    quantity: Number(options.quantity ?? '0.001'),
    price: Number(options.price ?? '45000'),
    order_type: options.order_type ?? 'LIMIT',
    time_in_force: options.time_in_force ?? 'IOC',
    client_order_id,
  });
}

function template(options: OrderRequestOptions, side: 'buy' | 'sell'): Template {
  const placeholder = options.id_prefix + '0'.repeat(ID_DIGITS);
  const body = orderBody(options, side, placeholder);
  const head = `POST ${options.path ?? '/orders'} HTTP/1.1\r\n`
    + `Host: ${options.host}:${options.port}\r\n`
    + `x-api-key: ${options.api_key ?? 'test-key'}\r\n`
    + 'Content-Type: application/json\r\n'
    + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const bytes = Buffer.from(head + body, 'latin1');
  const digits_at = head.length + body.indexOf(placeholder) + options.id_prefix.length;
  return { bytes, digits_at };
}

function writeDigits(out: Buffer, at: number, value: number): void {
  let v = value;
  for (let k = ID_DIGITS - 1; k >= 0; k--) {
    out[at + k] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
}

/** The index encoded in a client order id made by `clientOrderId`, or -1. */
export function indexOfClientOrderId(id: string, prefix: string): number {
  if (id.length !== prefix.length + ID_DIGITS || !id.startsWith(prefix)) return -1;
  const value = Number(id.slice(prefix.length));
  return Number.isSafeInteger(value) ? value : -1;
}

/**
 * An order placed through the client: awaitable for its first answer, and an async
 * iterator of all its ExecutionReports until it is final.
 *
 *   const order = client.newOrder({...});
 *   const accepted = await order;            // NEW (or ORDER_STATUS after a resend); throws OrderRejected
 *   for await (const report of order) ...    // every report from the first, ends after the final one
 *
 * Each iteration starts from the order's first report, so iterating after awaiting loses
 * nothing, and several loops may read the same order. The iteration ends after a final
 * report (filled, canceled, replaced, rejected, expired) or when the client is closed by
 * `close()`; it throws when the order was refused by a Reject (no report exists) or when
 * the client stopped for an error before the order was final.
 *
 * OrderStream is the writing side, kept by the client; OrderHandle is what callers get.
 */
import { ClientClosed, OmsClientError, OrderRejected } from './client_errors.js';
import { ExecType, ExecutionReport } from './execution_report.js';
import { rejectInfo, isRejectCode } from '../../engine/protocol/reject_codes.js';

export class OrderStream {
  readonly reports: ExecutionReport[] = [];
  answered = false;
  ended = false;
  /** Why the stream ended other than with a final report: thrown by iterators once they have read every report. */
  failure: OmsClientError | null = null;
  readonly first: Promise<ExecutionReport>;
  private resolveFirst!: (report: ExecutionReport) => void;
  private rejectFirst!: (error: OmsClientError) => void;
  private waiters: (() => void)[] = [];

  constructor(readonly client_order_id: string) {
    this.first = new Promise((resolve, reject) => {
      this.resolveFirst = resolve;
      this.rejectFirst = reject;
    });
    // A caller who never awaits the order must not get an unhandled rejection for it.
    this.first.catch(() => {});
  }

  /** A report of this order. The first one answers the request: exec_type 8 rejects it. */
  push(report: ExecutionReport): void {
    if (this.ended) return;
    this.reports.push(report);
    if (!this.answered) {
      this.answered = true;
      if (report.exec_type === ExecType.REJECTED) {
        this.rejectFirst(new OrderRejected(report.reject_code, reasonOf(report.reject_code), report));
      } else {
        this.resolveFirst(report);
      }
    }
    this.wake();
  }

  /**
   * No more reports will come. `error` null: the order is final (its last report says
   * so) or the caller closed the client; otherwise why the stream was cut.
   */
  end(error: OmsClientError | null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    if (!this.answered) {
      this.answered = true;
      this.rejectFirst(error ?? new ClientClosed());
    }
    this.wake();
  }

  /** Resolves when a report beyond `count` arrives or the stream ends. */
  waitBeyond(count: number): Promise<void> {
    if (this.reports.length > count || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** The catalogue reason for a code carried by an exec_type 8 report (reports carry no text). */
function reasonOf(code: number): string {
  return isRejectCode(code) ? rejectInfo(code).reason : 'refused by the OMS';
}

export class OrderHandle implements PromiseLike<ExecutionReport>, AsyncIterable<ExecutionReport> {
  constructor(private readonly stream: OrderStream) {}

  get client_order_id(): string {
    return this.stream.client_order_id;
  }

  /** The server's order id, once a report has given it. */
  get order_id(): number | undefined {
    const last = this.last;
    return last === undefined || last.order_id === 0 ? undefined : last.order_id;
  }

  /** The latest report: the order's state as last heard. */
  get last(): ExecutionReport | undefined {
    return this.stream.reports[this.stream.reports.length - 1];
  }

  /** Every report so far, oldest first. */
  get reports(): readonly ExecutionReport[] {
    return this.stream.reports;
  }

  /** Nothing more will come: the order is final, was refused, or the client is closed. */
  get done(): boolean {
    return this.stream.ended;
  }

  then<A = ExecutionReport, B = never>(
    onfulfilled?: ((report: ExecutionReport) => A | PromiseLike<A>) | null,
    onrejected?: ((error: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.stream.first.then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ExecutionReport> {
    const stream = this.stream;
    let read = 0;
    for (;;) {
      if (read < stream.reports.length) {
        yield stream.reports[read++];
        continue;
      }
      if (stream.ended) {
        if (stream.failure !== null) throw stream.failure;
        return;
      }
      await stream.waitBeyond(read);
    }
  }
}

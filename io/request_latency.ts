/**
 * Request latency by protocol and request type, for `oms_request_latency_seconds`. The
 * labelled histogram children are bound once at start-up and looked up by a small integer,
 * so observing a request allocates nothing and looks up no label strings (STYLE.md rule 6).
 */
export const RequestKind = {
  HTTP_NEW_ORDER: 0,
  HTTP_CANCEL: 1,
  HTTP_REPLACE: 2,
  HTTP_CHECK: 3,
  HTTP_ACCOUNT: 4,
  WS_NEW_ORDER: 5,
  WS_CANCEL: 6,
  WS_REPLACE: 7,
} as const;
export type RequestKind = (typeof RequestKind)[keyof typeof RequestKind];

/** The labels of each kind, by its number: [protocol, type]. */
export const REQUEST_KIND_LABELS: readonly (readonly [protocol: 'http' | 'ws', type: string])[] = [
  ['http', 'new_order'], ['http', 'cancel'], ['http', 'replace'], ['http', 'check'], ['http', 'account'],
  ['ws', 'new_order'], ['ws', 'cancel'], ['ws', 'replace'],
];
if (REQUEST_KIND_LABELS.length !== Object.keys(RequestKind).length) throw new Error('every request kind needs its labels');

export interface LatencyChild {
  observe(seconds: number): void;
}

export class RequestLatency {
  private readonly children: readonly LatencyChild[];

  /** `bind` returns the histogram child for one label pair; it is called once per kind, here. */
  constructor(bind: (protocol: string, type: string) => LatencyChild) {
    this.children = REQUEST_KIND_LABELS.map(([protocol, type]) => bind(protocol, type));
  }

  /** Records one request, from its arrival on the io thread to its answer, in seconds. */
  observe(kind: RequestKind, seconds: number): void {
    this.children[kind].observe(seconds);
  }
}

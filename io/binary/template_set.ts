/**
 * The templates one direction of the protocol may carry, looked up by template id with
 * one array index (no Map on the hot path). A client message arriving at a server is
 * looked up in CLIENT_TEMPLATES, so a server template sent by a client is unknown.
 */
import { ClientMessage, CLIENT_MESSAGE_SCHEMAS } from './client_messages.js';
import type { Direction, Fields, MessageSchema } from './message_schema.js';
import { SERVER_MESSAGE_SCHEMAS, ServerMessage } from './server_messages.js';

export type AnyMessageSchema = MessageSchema<number, Fields>;

const ID_TABLE_SIZE = 256;

export class TemplateSet<M> {
  private readonly by_id: (AnyMessageSchema | undefined)[] = new Array(ID_TABLE_SIZE).fill(undefined);

  constructor(readonly direction: Direction, readonly schemas: readonly AnyMessageSchema[]) {
    for (const schema of schemas) {
      if (schema.direction !== direction) throw new Error(`${schema.name} is not a ${direction} template`);
      if (schema.template_id >= ID_TABLE_SIZE) throw new Error(`${schema.name}: template id above ${ID_TABLE_SIZE - 1}`);
      if (this.by_id[schema.template_id] !== undefined) throw new Error(`template id ${schema.template_id} used twice`);
      this.by_id[schema.template_id] = schema;
    }
  }

  byId(template_id: number): AnyMessageSchema | undefined {
    return template_id < ID_TABLE_SIZE ? this.by_id[template_id] : undefined;
  }

  /** Largest message of this direction, in bytes. */
  get max_template_bytes(): number {
    return Math.max(...this.schemas.map((s) => s.byte_size));
  }

  /** Type-level only: the message union this set decodes to. */
  declare readonly __message: M;
}

export const CLIENT_TEMPLATES = new TemplateSet<ClientMessage>(
  'client', CLIENT_MESSAGE_SCHEMAS as unknown as readonly AnyMessageSchema[],
);
export const SERVER_TEMPLATES = new TemplateSet<ServerMessage>(
  'server', SERVER_MESSAGE_SCHEMAS as unknown as readonly AnyMessageSchema[],
);

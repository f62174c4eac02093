/**
 * Entry point of a WebSocket load-generator process (forked by ws_load_client.ts). Same
 * IPC protocol as http_load_process.ts; the wire protocol is chosen by name, because a
 * protocol object cannot cross the process boundary.
 */
import { WsLoadConfig, runWsLoad } from './ws_load.js';
import { WsEchoFraming } from './ws_echo_framing.js';
import { WsOrderProtocol, WsProtocolName } from './ws_protocol.js';

async function protocolNamed(name: WsProtocolName): Promise<WsOrderProtocol> {
  if (name === 'echo-framing') return new WsEchoFraming();
  const { createOmsBinaryProtocol } = await import('./ws_oms_binary_protocol.js');
  return createOmsBinaryProtocol();
}

process.once('message', (message: { type: 'run'; config: WsLoadConfig; protocol: WsProtocolName }) => {
  if (message.type !== 'run') throw new Error(`unexpected message ${JSON.stringify(message)}`);
  protocolNamed(message.protocol)
    .then((protocol) => runWsLoad(message.config, protocol, (progress) => process.send?.({ type: 'progress', progress })))
    .then((result) => process.send?.({ type: 'result', result }, () => process.exit(0)))
    .catch((error: Error) => process.send?.({ type: 'error', message: error.message }, () => process.exit(1)));
});

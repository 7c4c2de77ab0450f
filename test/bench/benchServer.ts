// The local Feishu-like server in its own process, so the clients being measured do not share
// an event loop with it. Answers IPC requests for its counters.
import { startFeishuServer } from '../support/feishuServer.ts';

const server = await startFeishuServer();
process.on('message', (message: { type: 'stats' | 'clear' | 'close' }) => {
  if (message.type === 'stats') {
    process.send?.({ type: 'stats', tokenRequests: server.tokenRequests().length, badgeRequests: server.badgeRequests().length });
  } else if (message.type === 'clear') {
    server.clearRequests();
    process.send?.({ type: 'cleared' });
  } else {
    void server.close().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', url: server.url });

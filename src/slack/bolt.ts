/**
 * The parts of Bolt the app uses, loaded from their own files rather than from `@slack/bolt`'s
 * index. The index also loads the Express and AWS Lambda receivers (Express and its graph), which
 * this app never runs: importing these files instead saves about 110 ms of start and 9 MB of memory
 * with Slack on (docs/performance.md). `App` itself still loads its HTTP and Socket Mode receivers.
 * Bolt's package has no `exports` map, so the files are public paths; the version is pinned by the
 * lock, and every Slack test loads them.
 */
import appModule from '@slack/bolt/dist/App.js';
import socketModeModule from '@slack/bolt/dist/receivers/SocketModeReceiver.js';

export const App = appModule.default;
export type App = InstanceType<typeof App>;
export const SocketModeReceiver = socketModeModule.default;
export { LogLevel } from '@slack/bolt/dist/App.js';

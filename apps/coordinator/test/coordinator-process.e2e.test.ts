// The coordinator CLI with the dashboard: where it says the dashboard is, and SIGTERM with a stream open.
import { startCoordinator, stopApp, AppProcess } from './app-processes';
import { openEvents, until } from './sse-client';

const TOKEN = 'process-test-token-0123456789abcdef';
let coordinator: AppProcess | undefined;

afterEach(() => stopApp(coordinator));

it('prints the dashboard URL after the listening line, without the token', async () => {
  coordinator = await startCoordinator(TOKEN);
  await until(() => coordinator!.stdout.length >= 3, 'three start-up lines were printed', 10_000);

  expect(coordinator.stdout[0]).toBe(`coordinator listening on ${coordinator.url}`);
  expect(coordinator.stdout[2]).toBe(`coordinator: dashboard at ${coordinator.url}/ (open it as …/#token=<cluster token>, or enter the token on the page)`);
  expect(coordinator.stdout.join('\n')).not.toContain(TOKEN);
});

it('exits 0 on SIGTERM with an event stream open, ending the stream', async () => {
  coordinator = await startCoordinator(TOKEN);
  const client = await openEvents(Number(new URL(coordinator.url).port), TOKEN);
  await until(() => client.messages.length === 1, 'the stream is open');

  coordinator.process.kill('SIGTERM');

  expect(await coordinator.exited).toBe(0);
  await client.ended;
  expect(client.messages.map((m) => m.type)).toStrictEqual(['ready']);
});

// --coordinator as typed: with or without a scheme, never a URL axios would refuse on every retry.
import { coordinatorUrl } from '../src/coordinator-url';
import { UsageError } from '../src/exit-codes';

it.each([
  ['localhost:8000', 'http://localhost:8000'],
  ['127.0.0.1:8000', 'http://127.0.0.1:8000'],
  ['coordinator.internal', 'http://coordinator.internal'],
  ['[::1]:8000', 'http://[::1]:8000'],
  ['http://localhost:8000', 'http://localhost:8000'],
  ['https://logs.example.com:8443/', 'https://logs.example.com:8443'],
  ['HTTPS://Logs.Example.com', 'https://logs.example.com'],
  ['http://host:8000/analyzer//', 'http://host:8000/analyzer'],
])('reads %s as %s', (typed, url) => {
  expect(coordinatorUrl(typed)).toBe(url);
});

it.each([
  ['ftp://host:21', '--coordinator ftp://host:21: only http:// and https:// are supported'],
  ['http://host:8000/?x=1', "--coordinator http://host:8000/?x=1: give the coordinator's address without a query or fragment"],
  ['host:notaport', '--coordinator host:notaport is not a URL (e.g. http://host:8000 or host:8000)'],
  ['http://', '--coordinator http:// is not a URL (e.g. http://host:8000 or host:8000)'],
])('refuses %s as a usage error', (typed, message) => {
  expect(() => coordinatorUrl(typed)).toThrow(UsageError);
  expect(() => coordinatorUrl(typed)).toThrow(message);
});

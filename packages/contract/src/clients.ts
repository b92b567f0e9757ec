// Typed clients for both apps: ts-rest clients whose requests go through axios.
import { ApiFetcher, initClient } from '@ts-rest/core';
import { Agent as HttpsAgent } from 'node:https';
import axios, { AxiosInstance } from 'axios';
import { coordinatorContract } from './coordinator-contract';
import { bodyWithEmbeddedJson } from './json-bytes';
import { workerContract } from './worker-contract';

export interface ClientOptions {
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** The cluster token, sent as `Authorization: Bearer <token>` on every request. */
  token?: string;
  /** PEM certificate(s) to trust for https:// URLs besides the system's (a self-signed cluster certificate). */
  ca?: string | Buffer;
  /** Use this axios instance (for interceptors, agents, proxies); token and ca are then not applied. */
  axiosInstance?: AxiosInstance;
}

function createAxios(options: ClientOptions): AxiosInstance {
  return axios.create({
    timeout: options.timeoutMs ?? 10_000,
    headers: options.token !== undefined ? { Authorization: `Bearer ${options.token}` } : {},
    ...(options.ca !== undefined ? { httpsAgent: new HttpsAgent({ ca: options.ca, keepAlive: true }) } : {}),
  });
}

/** A ts-rest fetcher backed by axios. Network errors reject; every HTTP status resolves. Understands embedJson fields. */
export function axiosFetcher(options: ClientOptions = {}): ApiFetcher {
  const instance = options.axiosInstance ?? createAxios(options);
  return async ({ path, method, headers, body, rawBody }) => {
    // A field given with embedJson goes out as its bytes; ts-rest's own string of the body has null there.
    const embedded = bodyWithEmbeddedJson(rawBody);
    const response = await instance.request({
      url: path,
      method,
      headers: embedded ? { ...headers, 'content-length': String(embedded.length) } : headers,
      data: embedded ? embedded.stream : body,
      validateStatus: () => true,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && value !== null) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    return { status: response.status, body: response.data, headers: responseHeaders };
  };
}

export function createCoordinatorClient(baseUrl: string, options: ClientOptions = {}) {
  return initClient(coordinatorContract, {
    baseUrl,
    api: axiosFetcher(options),
    validateResponse: true,
    throwOnUnknownStatus: true,
  });
}
export type CoordinatorClient = ReturnType<typeof createCoordinatorClient>;

export function createWorkerClient(baseUrl: string, options: ClientOptions = {}) {
  return initClient(workerContract, {
    baseUrl,
    api: axiosFetcher(options),
    validateResponse: true,
    throwOnUnknownStatus: true,
  });
}
export type WorkerClient = ReturnType<typeof createWorkerClient>;

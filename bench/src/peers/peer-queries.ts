// The queries a user would write in DuckDB and in ClickHouse (chDB) for what `pnpm analyze` reports on
// each bench input: lines, errors, requests, the sum and percentiles of response times, the number of
// minutes in the timeline, and for access logs status classes, bytes, unique clients and the top paths.
// Each is one scan of the file read as lines (DuckDB's read_csv with one column, ClickHouse's
// LineAsString), fields taken out with regular expressions or the JSON functions. Where the peers
// have a cheaper approximate aggregate than our exact one (top paths, unique clients) they get it, so
// the comparison leans their way.
import type { InputFormat } from '../inputs';

export type PeerName = 'duckdb' | 'chdb';

/** A path as a single-quoted SQL literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Every line of the file as column `l`: no quoting, no header, no delimiter that could split it. */
function duckdbLines(path: string): string {
  return `read_csv(${sqlString(path)}, columns={'l': 'VARCHAR'}, delim=E'\\x1f', quote='', escape='', header=false, auto_detect=false, strict_mode=false, new_line='\\n', ignore_errors=true)`;
}

function chdbLines(path: string): string {
  return `file(${chdbString(path)}, 'LineAsString')`;
}

/** ClickHouse string literals read backslash escapes ('\\b' is a backspace): regexes need theirs doubled. */
function chdbString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The applog durations: "in 12ms", "in 0.004s", "in 5000µs", "in 114.952 ms". */
const APPLOG_DURATION = ' in ([0-9]+(?:\\.[0-9]+)?) ?(ms|s|µs|us)\\b';
const APPLOG_LEVEL = '^\\S+ \\S+ ([A-Z]+) ';
/** The applog levels we count as errors, every spelling (level-names.ts folds ERR, CRIT, EMERGENCY). */
export const APPLOG_ERROR_LEVELS = ['ERROR', 'ERR', 'FATAL', 'CRITICAL', 'CRIT', 'EMERG', 'EMERGENCY', 'ALERT', 'SEVERE', 'PANIC'] as const;
const APPLOG_ERROR_LIST = APPLOG_ERROR_LEVELS.map(sqlString).join(', ');
const COMBINED = '^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] "\\S+ (\\S+)[^"]*" ([0-9]{3}) ([0-9]+|-) "[^"]*" "[^"]*" ([0-9.]+)';

const duckdbQueries: Record<InputFormat, (path: string) => string> = {
  applog: (path) => `
    WITH t AS (
      SELECT regexp_extract(l, '${APPLOG_LEVEL}', 1) AS level,
             regexp_extract(l, '${APPLOG_DURATION}', ['v', 'u']) AS d,
             substr(l, 1, 16) AS minute
      FROM ${duckdbLines(path)}
    ), r AS (
      SELECT level, minute,
             TRY_CAST(d.v AS DOUBLE) * CASE d.u WHEN 'ms' THEN 1 WHEN 's' THEN 1000 ELSE 0.001 END AS ms
      FROM t
    )
    SELECT count(*) AS lines,
           count(*) FILTER (WHERE level IN (${APPLOG_ERROR_LIST})) AS errors,
           count(ms) AS requests, sum(ms) AS total_ms,
           quantile_disc(ms, [0.5, 0.95, 0.99]) AS percentiles,
           count(DISTINCT minute) AS minutes
    FROM r`,
  combined: (path) => `
    WITH t AS (
      SELECT regexp_extract(l, '${COMBINED}', ['client', 'time', 'path', 'status', 'bytes', 'seconds']) AS f
      FROM ${duckdbLines(path)}
    )
    SELECT count(*) AS lines,
           count(*) FILTER (WHERE f.status >= '500') AS errors,
           count(*) FILTER (WHERE f.status <> '') AS requests,
           sum(TRY_CAST(f.seconds AS DOUBLE) * 1000) AS total_ms,
           quantile_disc(TRY_CAST(f.seconds AS DOUBLE) * 1000, [0.5, 0.95, 0.99]) AS percentiles,
           count(DISTINCT substr(f.time, 1, 17)) AS minutes,
           count(*) FILTER (WHERE f.status LIKE '2%') AS status_2xx, count(*) FILTER (WHERE f.status LIKE '4%') AS status_4xx,
           sum(TRY_CAST(f.bytes AS BIGINT)) AS bytes_sent,
           approx_count_distinct(f.client) AS clients,
           approx_top_k(NULLIF(f.path, ''), 10) AS top_paths
    FROM t`,
  json: (path) => `
    WITH t AS (
      SELECT json_extract_string(l, ['$.status', '$.res.statusCode', '$.request', '$.req.url', '$.request_time', '$.responseTime', '$.remote_addr', '$.req.remoteAddress', '$.time_iso8601', '$.time', '$.level']) AS j
      FROM ${duckdbLines(path)}
    ), r AS (
      SELECT TRY_CAST(coalesce(j[1], j[2]) AS INTEGER) AS status,
             coalesce(split_part(j[3], ' ', 2), j[4]) AS path,
             coalesce(TRY_CAST(j[5] AS DOUBLE) * 1000, TRY_CAST(j[6] AS DOUBLE)) AS ms,
             coalesce(j[7], j[8]) AS client,
             coalesce(substr(j[9], 1, 16), (TRY_CAST(j[10] AS BIGINT) // 60000)::VARCHAR) AS minute,
             TRY_CAST(j[11] AS INTEGER) AS level
      FROM t
    )
    SELECT count(*) AS lines,
           count(*) FILTER (WHERE status >= 500 OR level >= 50) AS errors,
           count(status) AS requests, sum(ms) AS total_ms,
           quantile_disc(ms, [0.5, 0.95, 0.99]) AS percentiles,
           count(DISTINCT minute) AS minutes,
           count(*) FILTER (WHERE status BETWEEN 200 AND 299) AS status_2xx, count(*) FILTER (WHERE status BETWEEN 400 AND 499) AS status_4xx,
           approx_count_distinct(client) AS clients,
           approx_top_k(NULLIF(path, ''), 10) AS top_paths
    FROM r`,
};

const chdbQueries: Record<InputFormat, (path: string) => string> = {
  applog: (path) => `
    WITH extract(line, ${chdbString(APPLOG_LEVEL)}) AS level,
         extractGroups(line, ${chdbString(APPLOG_DURATION)}) AS d,
         toFloat64OrNull(d[1]) * multiIf(d[2] = 'ms', 1, d[2] = 's', 1000, 0.001) AS ms
    SELECT count() AS lines, countIf(level IN (${APPLOG_ERROR_LIST})) AS errors,
           count(ms) AS requests, sum(ms) AS total_ms, quantilesExact(0.5, 0.95, 0.99)(ms) AS percentiles,
           uniqExact(substring(line, 1, 16)) AS minutes
    FROM ${chdbLines(path)}`,
  combined: (path) => `
    WITH extractGroups(line, ${chdbString(COMBINED)}) AS f
    SELECT count() AS lines, countIf(f[4] >= '500') AS errors, countIf(notEmpty(f)) AS requests,
           sum(toFloat64OrNull(f[6]) * 1000) AS total_ms, quantilesExact(0.5, 0.95, 0.99)(toFloat64OrNull(f[6]) * 1000) AS percentiles,
           uniqExact(substring(f[2], 1, 17)) AS minutes,
           countIf(startsWith(f[4], '2')) AS status_2xx, countIf(startsWith(f[4], '4')) AS status_4xx,
           sum(toInt64OrZero(f[5])) AS bytes_sent, uniq(f[1]) AS clients, topKIf(10)(f[3], notEmpty(f)) AS top_paths
    FROM ${chdbLines(path)}`,
  json: (path) => `
    WITH JSONExtract(line, 'Tuple(status Nullable(String), res Tuple(statusCode Nullable(Int32)), request Nullable(String), req Tuple(url Nullable(String), remoteAddress Nullable(String)), request_time Nullable(String), responseTime Nullable(Float64), remote_addr Nullable(String), time_iso8601 Nullable(String), time Nullable(Int64), level Nullable(Int32))') AS j,
         coalesce(toInt32OrNull(j.status), j.res.statusCode) AS status,
         coalesce(toFloat64OrNull(j.request_time) * 1000, j.responseTime) AS ms,
         coalesce(splitByChar(' ', j.request)[2], j.req.url) AS path,
         coalesce(j.remote_addr, j.req.remoteAddress) AS client
    SELECT count() AS lines, countIf(status >= 500 OR j.level >= 50) AS errors, count(status) AS requests,
           sum(ms) AS total_ms, quantilesExact(0.5, 0.95, 0.99)(ms) AS percentiles,
           uniqExact(coalesce(substring(j.time_iso8601, 1, 16), toString(intDiv(j.time, 60000)))) AS minutes,
           countIf(status BETWEEN 200 AND 299) AS status_2xx, countIf(status BETWEEN 400 AND 499) AS status_4xx,
           uniq(client) AS clients, topKIf(10)(path, notEmpty(path)) AS top_paths
    FROM ${chdbLines(path)}`,
};

export function peerQuery(peer: PeerName, format: InputFormat, path: string): string {
  return (peer === 'duckdb' ? duckdbQueries : chdbQueries)[format](path);
}

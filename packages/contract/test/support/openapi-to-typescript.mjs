// Reads an OpenAPI document on stdin and writes the TypeScript types openapi-typescript generates from
// it to stdout. A separate process because openapi-typescript is an ES module and jest runs CommonJS.
import openapiTS, { astToString } from 'openapi-typescript';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const ast = await openapiTS(JSON.parse(Buffer.concat(chunks).toString('utf8')));
process.stdout.write(astToString(ast));

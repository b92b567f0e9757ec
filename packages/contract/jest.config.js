/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // test/partial-type.test.ts is a type check against core's built declarations, which ts-jest's cache
  // key does not cover: a cached pass would hide a field core added since. The suite is small.
  cache: false,
};

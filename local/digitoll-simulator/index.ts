/** Public surface of the local Digitoll road v2 simulator. */
export {
  type AssertionOptions,
  createAssertion,
  createTestClient,
  DEFAULT_MASKINPORTEN_AUDIENCE,
  JWT_BEARER_GRANT,
  obtainCustomsToken,
  type RegisteredClient,
  type TestClient,
} from './auth.ts';
export type {
  AsyncError,
  CancelReason,
  DocumentKey,
  DuplicateRecord,
  StoredMessage,
  ValidationResultBody,
} from './engine.ts';
export {
  EXAMPLE_CARRIER_ID,
  EXAMPLE_MASTER_DOC,
  exampleHouse,
  exampleMaster,
  exampleTransport,
} from './examples.ts';
export { type FaultConfig, type FaultKind, mulberry32 } from './faults.ts';
export {
  DEFAULT_VOEC_REGISTER,
  type DigitollSimulator,
  type ReceivedOutcome,
  type ReceivedRecord,
  type SimulatorOptions,
  startDigitollSimulator,
} from './simulator.ts';

/** Public surface of the local Digitoll simulator (road v2, air v1, routing). */
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
  MovementApi,
  StoredMessage,
  ValidationResultBody,
} from './engine.ts';
export {
  EXAMPLE_AIR_CARRIER_ID,
  EXAMPLE_AIR_MASTER_DOC,
  EXAMPLE_CARRIER_ID,
  EXAMPLE_MASTER_DOC,
  exampleAirHouse,
  exampleAirMaster,
  exampleAirTransport,
  exampleHouse,
  exampleMaster,
  exampleTransport,
} from './examples.ts';
export { type FaultConfig, type FaultKind, mulberry32 } from './faults.ts';
export type { Arrival, PublishedSignal, RoutingKnob } from './routing.ts';
export {
  type ArrivalReply,
  DEFAULT_VOEC_REGISTER,
  type DigitollSimulator,
  type ReceivedOutcome,
  type ReceivedRecord,
  type SimulatorApi,
  type SimulatorOptions,
  startDigitollSimulator,
} from './simulator.ts';

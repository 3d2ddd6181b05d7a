// Generated bundle payloads (`payloadBytes`): deterministic, so a state file can store the size
// instead of the bytes and regenerate the very same payload at load.
const UNIT = 'fleetload-payload-';

/** A readable ASCII payload of exactly `bytes` bytes. */
export function generatePayload(bytes: number): string {
  return UNIT.repeat(Math.ceil(bytes / UNIT.length)).slice(0, bytes);
}

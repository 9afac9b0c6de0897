export {
  earlierCheckpoints,
  exportPacket,
  LOG_MISMATCH_MESSAGE,
  MAX_EARLIER_CHECKPOINTS,
  PacketExportError,
  packetFileName,
  profileNotFoundMessage,
  resolveScope,
  tenantNotFoundMessage,
  type ExportedPacket,
  type ExportOptions,
  type PacketRefusal,
} from "./export";
export { type PacketScopeIds } from "./collect";
